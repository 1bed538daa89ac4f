// One user: its SCIM resource beside the Shopify customer it is linked to, the sync status with the reason when
// Shopify refused it, "sync now" / "retry now", its history and the jobs that carried its changes.
import { useParams } from 'react-router-dom';
import { Badge, Banner, BlockStack, Card, DescriptionList, IndexTable, InlineStack, Layout, Page, Text } from '@shopify/polaris';
import { api } from '../api';
import { useAction, useApi } from '../hooks';
import { useApp, useTenant } from '../App';
import { Code, Empty, JobBadge, LoadError, Loading, SyncBadge, Time } from '../components/common';
import { actionLabel } from './Activity';

interface Detail {
  resource: Record<string, any>;
  link: {
    customerId: string | null;
    syncState: string;
    syncErrorCode: string | null;
    syncError: string | null;
    lastAttemptAt: string | null;
    lastSyncedAt: string | null;
    managedTags: string[];
    deprovisioned: string | null;
  } | null;
  customer: Record<string, any> | null;
  customerNote: string | null;
  history: { id: number; at: string; actor: string; actorLabel: string; action: string; detail: Record<string, unknown> }[];
  jobs: {
    id: number;
    queue: string;
    kind: string;
    state: string;
    attempts: number;
    lastErrorCode: string | null;
    lastError: string | null;
    createdAt: string;
    finishedAt: string | null;
  }[];
}

export function UserDetail() {
  const tenant = useTenant();
  const { id } = useParams();
  const { toast } = useApp();
  const d = useApi<Detail>(`/tenants/${tenant.name}/users/${id}`, { pollMs: 4000 });
  const sync = useAction();
  const resync = async () => {
    const r = await sync.run(() => api('POST', `/tenants/${tenant.name}/users/${id}/sync`));
    if (r) {
      toast('Sync queued');
      await d.reload();
    }
  };
  if (d.error && !d.data)
    return (
      <Page title="User" backAction={{ content: 'Users', url: `/stores/${tenant.name}/users` }}>
        <LoadError error={d.error} retry={d.reload} />
      </Page>
    );
  if (!d.data)
    return (
      <Page title="User">
        <Loading lines={10} />
      </Page>
    );
  const { resource, link, customer, customerNote, history, jobs } = d.data;
  const failed = link?.syncState === 'failed';
  return (
    <Page
      title={resource.userName}
      subtitle={[resource.name?.givenName, resource.name?.familyName].filter(Boolean).join(' ') || undefined}
      titleMetadata={<SyncBadge state={link?.syncState} />}
      backAction={{ content: 'Users', url: `/stores/${tenant.name}/users` }}
      primaryAction={{ content: failed ? 'Retry now' : 'Sync now', onAction: () => void resync(), loading: sync.busy }}
    >
      <BlockStack gap="400">
        {sync.error ? (
          <Banner tone="critical">
            <p>{sync.error}</p>
          </Banner>
        ) : null}
        {failed ? (
          <Banner
            tone="critical"
            title={`Shopify could not take this user${link?.syncErrorCode ? ` (${link.syncErrorCode})` : ''}`}
            action={{ content: 'Where to fix it', url: `/stores/${tenant.name}/failures?q=${encodeURIComponent(resource.userName)}` }}
          >
            <p>{link?.syncError}</p>
          </Banner>
        ) : null}
        {resource.active === false ? (
          <Banner tone="warning">
            <p>{`This user is deactivated${link?.deprovisioned ? ` (in Shopify: ${link.deprovisioned})` : ''}.`}</p>
          </Banner>
        ) : null}
        <Layout>
          <Layout.Section variant="oneHalf">
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  SCIM resource
                </Text>
                <Code label="The user as the SCIM API shows it">{JSON.stringify(resource, null, 2)}</Code>
              </BlockStack>
            </Card>
          </Layout.Section>
          <Layout.Section variant="oneHalf">
            <Card>
              <BlockStack gap="300">
                <InlineStack align="space-between">
                  <Text as="h2" variant="headingMd">
                    Shopify customer
                  </Text>
                  {link?.customerId ? <Badge>{link.customerId.replace('gid://shopify/Customer/', '#')}</Badge> : null}
                </InlineStack>
                {customer ? (
                  <BlockStack gap="300">
                    <DescriptionList
                      items={[
                        { term: 'Name', description: [customer.firstName, customer.lastName].filter(Boolean).join(' ') || '—' },
                        { term: 'E-mail', description: customer.email ?? '—' },
                        { term: 'Phone', description: customer.phone ?? '—' },
                        { term: 'Tags', description: customer.tags?.length ? customer.tags.join(', ') : '—' },
                        { term: 'Last synced', description: <Time at={link?.lastSyncedAt} /> },
                      ]}
                    />
                    <Code label="The customer as Shopify has it">{JSON.stringify(customer, null, 2)}</Code>
                  </BlockStack>
                ) : (
                  <Text as="p" tone="subdued">
                    {customerNote ?? 'No customer.'}
                  </Text>
                )}
              </BlockStack>
            </Card>
          </Layout.Section>
        </Layout>
        <Card padding="0">
          <BlockStack>
            <div style={{ padding: 'var(--p-space-400)' }}>
              <Text as="h2" variant="headingMd">
                History
              </Text>
            </div>
            {history.length === 0 ? (
              <Empty heading="No history" />
            ) : (
              <IndexTable
                resourceName={{ singular: 'entry', plural: 'entries' }}
                itemCount={history.length}
                selectable={false}
                headings={[{ title: 'When' }, { title: 'Who' }, { title: 'What' }, { title: 'Details' }]}
              >
                {history.map((h, i) => (
                  <IndexTable.Row id={String(h.id)} key={h.id} position={i}>
                    <IndexTable.Cell>
                      <Time at={h.at} />
                    </IndexTable.Cell>
                    <IndexTable.Cell>{h.actorLabel}</IndexTable.Cell>
                    <IndexTable.Cell>{actionLabel(h.action)}</IndexTable.Cell>
                    <IndexTable.Cell>
                      <div className="cell-wrap">
                        <Text as="span" variant="bodySm" tone={h.action === 'shopify.customer.failed' ? 'critical' : 'subdued'}>
                          {describeDetail(h.detail)}
                        </Text>
                      </div>
                    </IndexTable.Cell>
                  </IndexTable.Row>
                ))}
              </IndexTable>
            )}
          </BlockStack>
        </Card>
        <Card padding="0">
          <div style={{ padding: 'var(--p-space-400)' }}>
            <Text as="h2" variant="headingMd">
              Jobs
            </Text>
          </div>
          {jobs.length === 0 ? (
            <Empty heading="No jobs" />
          ) : (
            <IndexTable
              resourceName={{ singular: 'job', plural: 'jobs' }}
              itemCount={jobs.length}
              selectable={false}
              headings={[{ title: 'Job' }, { title: 'Kind' }, { title: 'State' }, { title: 'Queued' }, { title: 'Last error' }]}
            >
              {jobs.map((j, i) => (
                <IndexTable.Row id={String(j.id)} key={j.id} position={i}>
                  <IndexTable.Cell>{`#${j.id}`}</IndexTable.Cell>
                  <IndexTable.Cell>{`${j.kind}${j.queue !== 'shopify' ? ` (${j.queue})` : ''}`}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <JobBadge state={j.state} attempts={j.attempts} />
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <Time at={j.createdAt} />
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <div className="cell-wrap">{j.lastErrorCode ? `${j.lastErrorCode}: ${j.lastError ?? ''}` : '—'}</div>
                  </IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
          )}
        </Card>
      </BlockStack>
    </Page>
  );
}

function describeDetail(d: Record<string, unknown>): string {
  if (typeof d.reason === 'string') return `${typeof d.code === 'string' ? `${d.code}: ` : ''}${d.reason}`;
  if (Array.isArray(d.changed) && d.changed.length) return `Changed: ${d.changed.join(', ')}`;
  if (Array.isArray(d.attributes) && d.attributes.length) return `Attributes: ${d.attributes.join(', ')}`;
  if (typeof d.note === 'string') return d.note;
  return '';
}
