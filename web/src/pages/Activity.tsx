// The activity log: each operation end to end (who asked, the job that carried it to Shopify, what Shopify answered),
// filterable by user, SCIM client, kind and outcome, live on its first page (server-sent events, polling while the
// stream is down), and exported as CSV.
import { useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { BlockStack, Button, Card, IndexTable, InlineStack, Link, Page, Select, Text, TextField, Banner } from '@shopify/polaris';
import { ExportIcon } from '@shopify/polaris-icons';
import { API, qs } from '../api';
import { useApi, useDebounced, useLiveActivity } from '../hooks';
import { useTenant } from '../App';
import { Empty, JobBadge, LiveBadge, LiveNotice, LoadError, OutcomeBadge, Time } from '../components/common';

export interface ActivityEntry {
  id: number;
  at: string;
  kind: string;
  actor: string;
  actorLabel: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  user: string | null;
  outcome: string;
  job: { id: number; queue: string; state: string; attempts: number; lastErrorCode: string | null } | null;
  result: { action: string; at: string; code: string | null; reason: string | null } | null;
  detail: Record<string, unknown>;
}

const ACTIONS: Record<string, string> = {
  'user.create': 'Created user',
  'user.replace': 'Replaced user',
  'user.patch': 'Updated user',
  'user.delete': 'Deleted user',
  'user.restore': 'Restored user',
  'user.resync': 'Asked for a sync',
  'sync-failures.retry': 'Retried the users Shopify refused',
  'schemas.replace': 'Changed the SCIM schemas',
  'group.create': 'Created group',
  'group.patch': 'Updated group',
  'group.replace': 'Replaced group',
  'group.delete': 'Deleted group',
  'shopify.customer.created': 'Customer created in Shopify',
  'shopify.customer.updated': 'Customer updated in Shopify',
  'shopify.customer.adopted': 'Existing customer linked',
  'shopify.customer.failed': 'Shopify refused the customer',
  'token.create': 'Issued a SCIM token',
  'token.revoke': 'Revoked a SCIM token',
  'shop.connect': 'Connected the shop',
  'shop.disconnect': 'Disconnected the shop',
  'mapping.save': 'Saved the mapping',
  'mapping.reapply': 'Re-applied the mapping',
  'policies.replace': 'Changed the policies',
  'target.create': 'Added an outbound target',
  'target.replace': 'Changed an outbound target',
  'target.delete': 'Removed an outbound target',
  'target.test': 'Sent a test event',
  'job.discard': 'Discarded a dead letter',
  'job.retry': 'Retried a dead letter',
  'privacy.replace': 'Changed privacy settings',
  'tenant.create': 'Created the store',
};

export const actionLabel = (a: string) => ACTIONS[a] ?? a;

export function ActivityTable({ entries, tenant, compact = false }: { entries: ActivityEntry[]; tenant: string; compact?: boolean }) {
  if (entries.length === 0)
    return <Empty heading="No activity yet">When your identity provider sends a user, each step shows up here.</Empty>;
  const headings = compact
    ? ([{ title: 'When' }, { title: 'Who' }, { title: 'What' }, { title: 'User' }, { title: 'Outcome' }] as const)
    : ([
        { title: 'When' },
        { title: 'Who' },
        { title: 'What' },
        { title: 'User' },
        { title: 'Job' },
        { title: 'Shopify' },
        { title: 'Outcome' },
      ] as const);
  return (
    <IndexTable
      resourceName={{ singular: 'operation', plural: 'operations' }}
      itemCount={entries.length}
      selectable={false}
      headings={headings as never}
    >
      {entries.map((e, i) => (
        <IndexTable.Row id={String(e.id)} key={e.id} position={i}>
          <IndexTable.Cell>
            <span className="nowrap">
              <Time at={e.at} />
            </span>
          </IndexTable.Cell>
          <IndexTable.Cell>{e.actorLabel}</IndexTable.Cell>
          <IndexTable.Cell>
            <div className="cell-wrap">{actionLabel(e.action)}</div>
          </IndexTable.Cell>
          <IndexTable.Cell>
            {e.user && e.resourceId ? (
              <Link url={`/stores/${tenant}/users/${e.resourceId}`} removeUnderline>
                {e.user}
              </Link>
            ) : (
              <Text as="span" tone="subdued">
                {e.resourceType === 'User' ? 'deleted user' : '—'}
              </Text>
            )}
          </IndexTable.Cell>
          {compact ? null : (
            <IndexTable.Cell>
              {e.job ? (
                <InlineStack gap="100" wrap={false} blockAlign="center">
                  <Text as="span" variant="bodySm">{`#${e.job.id}`}</Text>
                  <JobBadge state={e.job.state} attempts={e.job.attempts} />
                </InlineStack>
              ) : (
                <Text as="span" tone="subdued">
                  —
                </Text>
              )}
            </IndexTable.Cell>
          )}
          {compact ? null : (
            <IndexTable.Cell>
              <div className="cell-wrap">
                {e.result ? (
                  <BlockStack gap="050">
                    <Text as="span">{actionLabel(e.result.action)}</Text>
                    {e.result.reason ? (
                      <Text as="span" variant="bodySm" tone="critical">
                        {e.result.reason}
                      </Text>
                    ) : null}
                  </BlockStack>
                ) : e.action === 'shopify.customer.failed' && typeof e.detail.reason === 'string' ? (
                  <Text as="span" variant="bodySm" tone="critical">
                    {e.detail.reason}
                  </Text>
                ) : (
                  <Text as="span" tone="subdued">
                    —
                  </Text>
                )}
              </div>
            </IndexTable.Cell>
          )}
          <IndexTable.Cell>
            <OutcomeBadge outcome={e.outcome} />
          </IndexTable.Cell>
        </IndexTable.Row>
      ))}
    </IndexTable>
  );
}

export function Activity() {
  const tenant = useTenant();
  const [params, setParams] = useSearchParams();
  const [user, setUser] = useState(params.get('user') ?? '');
  const debouncedUser = useDebounced(user, 300);
  const kind = params.get('kind') ?? '';
  const outcome = params.get('outcome') ?? '';
  const client = params.get('client') ?? '';
  const [pages, setPages] = useState<number[]>([]);
  const before = pages[pages.length - 1];
  const filters = { user: debouncedUser, kind, outcome, client };
  // The newest page follows the live stream; while it is down (or on an older page, which does not move) polling or
  // nothing stands in.
  const reload = useRef<() => Promise<void>>(async () => {});
  const live = useLiveActivity(tenant.name, () => void reload.current(), before === undefined);
  const list = useApi<{ entries: ActivityEntry[]; next: number | null; masked: boolean }>(
    `/tenants/${tenant.name}/activity${qs({ ...filters, limit: 50, before })}`,
    {
      pollMs: before === undefined && live !== 'live' && live !== 'connecting' ? 3000 : undefined,
    },
  );
  reload.current = list.reload;
  const tokens = useApi<{ tokens: { id: string; label: string }[] }>(`/tenants/${tenant.name}/tokens`);
  const set = (k: string, v: string) => {
    const p = new URLSearchParams(params);
    if (v) p.set(k, v);
    else p.delete(k);
    setParams(p, { replace: true });
    setPages([]);
  };
  const csv = `${API}/tenants/${tenant.name}/activity.csv${qs(filters)}`;
  return (
    <Page
      title="Activity"
      subtitle="Every operation from the SCIM request to Shopify's answer"
      secondaryActions={[
        { content: 'Export CSV', icon: ExportIcon, url: csv, external: false, accessibilityLabel: 'Export the filtered activity as CSV' },
      ]}
    >
      <BlockStack gap="400">
        {list.data?.masked ? (
          <Banner tone="info">
            <p>Personal data is masked in this log and its export (Settings, Privacy).</p>
          </Banner>
        ) : null}
        <Card>
          <InlineStack gap="300" wrap blockAlign="end">
            <div style={{ minWidth: '16rem', flex: 1 }}>
              <TextField
                label="User"
                value={user}
                onChange={(v) => (setUser(v), setPages([]))}
                placeholder="userName or e-mail"
                autoComplete="off"
                clearButton
                onClearButtonClick={() => setUser('')}
              />
            </div>
            <Select
              label="SCIM client"
              value={client}
              onChange={(v) => set('client', v)}
              options={[{ label: 'Any', value: '' }, ...(tokens.data?.tokens ?? []).map((t) => ({ label: t.label, value: t.id }))]}
            />
            <Select
              label="Kind"
              value={kind}
              onChange={(v) => set('kind', v)}
              options={[
                { label: 'Any', value: '' },
                { label: 'SCIM requests', value: 'scim' },
                { label: 'Shopify', value: 'shopify' },
                { label: 'Admin changes', value: 'admin' },
                { label: 'Sync engine', value: 'system' },
              ]}
            />
            <Select
              label="Outcome"
              value={outcome}
              onChange={(v) => set('outcome', v)}
              options={[
                { label: 'Any', value: '' },
                { label: 'OK', value: 'ok' },
                { label: 'Pending', value: 'pending' },
                { label: 'Retrying', value: 'retrying' },
                { label: 'Failed', value: 'failed' },
              ]}
            />
          </InlineStack>
        </Card>
        {list.error && !list.data ? <LoadError error={list.error} retry={list.reload} /> : null}
        {list.data ? (
          <LiveNotice error={list.error} updatedAt={list.updatedAt} state={before === undefined ? live : undefined} retry={list.reload} />
        ) : null}
        <Card padding="0">
          <ActivityTable entries={list.data?.entries ?? []} tenant={tenant.name} />
        </Card>
        <InlineStack align="center" gap="200">
          <Button disabled={pages.length === 0} onClick={() => setPages((p) => p.slice(0, -1))}>
            Newer
          </Button>
          <Button disabled={!list.data?.next} onClick={() => setPages((p) => [...p, list.data!.next!])}>
            Older
          </Button>
        </InlineStack>
        {before === undefined ? (
          <LiveBadge state={live === 'live' ? 'live' : live === 'paused' ? 'paused' : 'polling'} pollSeconds={3} />
        ) : null}
      </BlockStack>
    </Page>
  );
}
