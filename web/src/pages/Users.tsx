// A store's users: search by userName, e-mail or name, filter by Shopify sync state, page through, open one.
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { BlockStack, Button, Card, IndexTable, InlineStack, Link, Page, Select, Text, TextField } from '@shopify/polaris';
import { qs } from '../api';
import { useApi, useDebounced } from '../hooks';
import { useTenant } from '../App';
import { Empty, LoadError, SyncBadge, Time } from '../components/common';

export interface UserEntry {
  id: string;
  userName: string;
  displayName: string | null;
  name: string | null;
  email: string | null;
  active: boolean;
  createdBy: string | null;
  customerId: string | null;
  syncState: string | null;
  syncErrorCode: string | null;
  syncError: string | null;
  lastSyncedAt: string | null;
  updatedAt: string;
}

export function Users() {
  const tenant = useTenant();
  const [params, setParams] = useSearchParams();
  const [q, setQ] = useState(params.get('q') ?? '');
  const search = useDebounced(q, 300);
  const syncState = params.get('syncState') ?? '';
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors[cursors.length - 1];
  const list = useApi<{ users: UserEntry[]; total: number; next: string | null }>(
    `/tenants/${tenant.name}/users${qs({ q: search, syncState, cursor, limit: 25 })}`,
    { pollMs: 5000 },
  );
  const setState = (v: string) => {
    const p = new URLSearchParams(params);
    if (v) p.set('syncState', v);
    else p.delete('syncState');
    setParams(p, { replace: true });
    setCursors([]);
  };
  const users = list.data?.users ?? [];
  return (
    <Page
      title="Users"
      subtitle={list.data ? `${list.data.total} user${list.data.total === 1 ? '' : 's'}${search || syncState ? ' match' : ''}` : undefined}
    >
      <BlockStack gap="400">
        <Card>
          <InlineStack gap="300" blockAlign="end" wrap>
            <div style={{ flex: 1, minWidth: '16rem' }}>
              <TextField
                label="Search"
                value={q}
                onChange={(v) => (setQ(v), setCursors([]))}
                placeholder="userName, e-mail or name"
                autoComplete="off"
                clearButton
                onClearButtonClick={() => setQ('')}
              />
            </div>
            <Select
              label="Sync state"
              value={syncState}
              onChange={setState}
              options={[
                { label: 'Any', value: '' },
                { label: 'Synced', value: 'synced' },
                { label: 'Pending', value: 'pending' },
                { label: 'Failed', value: 'failed' },
              ]}
            />
          </InlineStack>
        </Card>
        {list.error ? <LoadError error={list.error} retry={list.reload} /> : null}
        <Card padding="0">
          {list.data && users.length === 0 ? (
            <Empty heading={search || syncState ? 'No user matches' : 'No users yet'}>
              {search || syncState
                ? 'Try another search or sync state.'
                : 'Users appear here as soon as your identity provider sends them.'}
            </Empty>
          ) : (
            <IndexTable
              resourceName={{ singular: 'user', plural: 'users' }}
              itemCount={users.length}
              selectable={false}
              loading={list.loading}
              headings={[
                { title: 'User' },
                { title: 'E-mail' },
                { title: 'Status' },
                { title: 'Shopify' },
                { title: 'From' },
                { title: 'Changed' },
              ]}
            >
              {users.map((u, i) => (
                <IndexTable.Row id={u.id} key={u.id} position={i}>
                  <IndexTable.Cell>
                    <BlockStack gap="050">
                      <Link url={`/stores/${tenant.name}/users/${u.id}`} removeUnderline dataPrimaryLink>
                        <Text as="span" fontWeight="semibold">
                          {u.userName}
                        </Text>
                      </Link>
                      {u.name ? (
                        <Text as="span" variant="bodySm" tone="subdued">
                          {u.name}
                        </Text>
                      ) : null}
                    </BlockStack>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{u.email ?? '—'}</IndexTable.Cell>
                  <IndexTable.Cell>{u.active ? 'Active' : 'Deactivated'}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <BlockStack gap="050">
                      <SyncBadge state={u.syncState} />
                      {u.syncState === 'failed' && u.syncErrorCode ? (
                        <Text as="span" variant="bodySm" tone="critical">
                          {u.syncErrorCode}
                        </Text>
                      ) : null}
                    </BlockStack>
                  </IndexTable.Cell>
                  <IndexTable.Cell>{u.createdBy ?? '—'}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <Time at={u.updatedAt} />
                  </IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
          )}
        </Card>
        <InlineStack align="center" gap="200">
          <Button disabled={cursors.length === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
            Previous
          </Button>
          <Button disabled={!list.data?.next} onClick={() => setCursors((c) => [...c, list.data!.next!])}>
            Next
          </Button>
        </InlineStack>
      </BlockStack>
    </Page>
  );
}
