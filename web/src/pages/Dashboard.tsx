// A store at a glance, live while on screen: users and groups, sync states, jobs, the Shopify API budget over the
// last half hour, webhook health, the last reconcile and the newest activity.
import { Badge, Banner, BlockStack, Box, Card, InlineGrid, InlineStack, Layout, Link, Page, Text } from '@shopify/polaris';
import { useRef } from 'react';
import { useApi, useLiveActivity } from '../hooks';
import { useTenant } from '../App';
import { BudgetChart, type BudgetSlot } from '../components/BudgetChart';
import { Figure, LiveNotice, LoadError, Loading, Time } from '../components/common';
import { ActivityTable, type ActivityEntry } from './Activity';

interface DashboardData {
  users: number;
  activeUsers: number;
  groups: number;
  syncStates: { pending: number; synced: number; failed: number };
  jobs: { queued: number; running: number; dead: number; retrying: number };
  tokens: number;
  shop: { connected: boolean; shop: string | null; webhookSecret: boolean };
  budget: { series: BudgetSlot[]; latest: { available: number; maximum: number; restoreRate: number; at: string } | null };
  webhooks: {
    received: number;
    unprocessed: number;
    outcomes: Record<string, number>;
    lastReceivedAt: string | null;
    windowHours: number;
    signatureCheck: boolean;
  };
  reconcile: { lastRunAt: string | null; lastFullAt: string | null };
}

export function Dashboard() {
  const tenant = useTenant();
  const base = `/stores/${tenant.name}`;
  // Figures that move without an entry in the log (jobs, the API budget) are polled; the log's stream makes a new
  // user show at once. Neither runs while the tab is hidden.
  const d = useApi<DashboardData>(`/tenants/${tenant.name}/dashboard`, { pollMs: 3000 });
  const activity = useApi<{ entries: ActivityEntry[] }>(`/tenants/${tenant.name}/activity?limit=8`, { pollMs: 3000 });
  const reload = useRef<() => void>(() => {});
  reload.current = () => void Promise.all([d.reload(), activity.reload()]);
  useLiveActivity(tenant.name, () => reload.current());
  if (d.error && !d.data)
    return (
      <Page title="Dashboard">
        <LoadError error={d.error} retry={d.reload} />
      </Page>
    );
  if (!d.data)
    return (
      <Page title="Dashboard">
        <Loading lines={8} />
      </Page>
    );
  const x = d.data;
  return (
    <Page title="Dashboard" subtitle={`${tenant.displayName}${x.shop.shop ? ` · ${x.shop.shop}` : ''}`}>
      <BlockStack gap="400">
        <LiveNotice error={d.error ?? activity.error} updatedAt={d.updatedAt} retry={() => reload.current()} />
        {!x.shop.connected ? (
          <Banner tone="warning" title="No Shopify shop is connected" action={{ content: 'Connect a shop', url: `${base}/settings` }}>
            <p>Users your identity provider sends are kept and wait; they reach Shopify once a shop is connected.</p>
          </Banner>
        ) : null}
        {x.shop.connected && x.tokens === 0 ? (
          <Banner
            tone="info"
            title="No identity provider is connected yet"
            action={{ content: 'Issue a SCIM token', url: `${base}/connections` }}
          >
            <p>Issue a token for Okta, Entra ID, OneLogin, JumpCloud, Google or your own application to start provisioning.</p>
          </Banner>
        ) : null}
        {x.syncStates.failed > 0 ? (
          <Banner
            tone="critical"
            title={`${x.syncStates.failed} user${x.syncStates.failed === 1 ? '' : 's'} could not be taken by Shopify`}
            action={{ content: 'See why', url: `${base}/failures` }}
          >
            <p>Each one lists the reason and the mapping rule or attribute to fix.</p>
          </Banner>
        ) : null}
        <InlineGrid columns={{ xs: 1, sm: 2, md: 4 }} gap="400">
          <Card>
            <Figure label="Users provisioned" value={x.users}>
              <Text
                as="p"
                variant="bodySm"
                tone="subdued"
              >{`${x.activeUsers} active · ${x.groups} group${x.groups === 1 ? '' : 's'}`}</Text>
            </Figure>
          </Card>
          <Card>
            <Figure label="Synced to Shopify" value={x.syncStates.synced} tone="success">
              <InlineStack gap="200">
                <Link url={`${base}/users?syncState=pending`}>{`${x.syncStates.pending} pending`}</Link>
                <Link url={`${base}/users?syncState=failed`}>{`${x.syncStates.failed} failed`}</Link>
              </InlineStack>
            </Figure>
          </Card>
          <Card>
            <Figure label="Jobs queued" value={x.jobs.queued + x.jobs.running}>
              <Text as="p" variant="bodySm" tone="subdued">{`${x.jobs.running} running · ${x.jobs.retrying} retrying`}</Text>
            </Figure>
          </Card>
          <Card>
            <Figure label="Dead letters" value={x.jobs.dead} tone={x.jobs.dead ? 'critical' : undefined}>
              <Link url={`${base}/jobs?tab=dead`}>{x.jobs.dead ? 'Review and retry' : 'None'}</Link>
            </Figure>
          </Card>
        </InlineGrid>
        <Layout>
          <Layout.Section>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Shopify API budget
                </Text>
                <BudgetChart series={x.budget.series} latest={x.budget.latest} />
              </BlockStack>
            </Card>
          </Layout.Section>
          <Layout.Section variant="oneThird">
            <BlockStack gap="400">
              <Card>
                <BlockStack gap="200">
                  <InlineStack align="space-between">
                    <Text as="h2" variant="headingMd">
                      Webhooks from Shopify
                    </Text>
                    <Badge tone={!x.webhooks.signatureCheck ? 'warning' : x.webhooks.unprocessed > 0 ? 'attention' : 'success'}>
                      {!x.webhooks.signatureCheck ? 'Not verified' : x.webhooks.unprocessed > 0 ? 'Catching up' : 'Healthy'}
                    </Badge>
                  </InlineStack>
                  <Text as="p">{`${x.webhooks.received} received in the last ${x.webhooks.windowHours} h, ${x.webhooks.unprocessed} waiting`}</Text>
                  <Text as="p" tone="subdued">
                    Last received: <Time at={x.webhooks.lastReceivedAt} />
                  </Text>
                  {!x.webhooks.signatureCheck ? (
                    <Text as="p" tone="caution">
                      Without the app's secret the bridge cannot verify Shopify's webhooks, so changes made in Shopify do not come back. Add
                      it in Settings.
                    </Text>
                  ) : null}
                </BlockStack>
              </Card>
              <Card>
                <BlockStack gap="200">
                  <Text as="h2" variant="headingMd">
                    Reconcile
                  </Text>
                  <Text as="p">
                    Last compared with Shopify: <Time at={x.reconcile.lastRunAt} />
                  </Text>
                  <Text as="p" tone="subdued">
                    Last full comparison: <Time at={x.reconcile.lastFullAt} />
                  </Text>
                </BlockStack>
              </Card>
            </BlockStack>
          </Layout.Section>
        </Layout>
        <Card padding="0">
          <Box padding="400">
            <InlineStack align="space-between">
              <Text as="h2" variant="headingMd">
                Latest activity
              </Text>
              <Link url={`${base}/activity`}>All activity</Link>
            </InlineStack>
          </Box>
          <ActivityTable entries={activity.data?.entries ?? []} tenant={tenant.name} compact />
        </Card>
      </BlockStack>
    </Page>
  );
}
