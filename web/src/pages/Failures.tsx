// The users Shopify could not take (no e-mail, name or phone; an invalid value; an e-mail already taken), each with
// Shopify's reason, what to change, links to the mapping rule or the user, and a retry.
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { BlockStack, Button, Card, IndexTable, InlineStack, Link, Page, Text, TextField } from '@shopify/polaris';
import { api, qs } from '../api';
import { useAction, useApi, useDebounced } from '../hooks';
import { useApp, useTenant } from '../App';
import { Empty, LoadError } from '../components/common';
import type { UserEntry } from './Users';

interface Failure {
  user: UserEntry;
  fix: { where: 'mapping' | 'attribute' | 'shop' | 'retry'; field: string | null; rules: { id: string; source: string | null; target: string }[]; hint: string };
}

export function Failures() {
  const tenant = useTenant();
  const { toast } = useApp();
  const [params] = useSearchParams();
  const [q, setQ] = useState(params.get('q') ?? '');
  const search = useDebounced(q, 300);
  const list = useApi<{ failures: Failure[]; total: number; next: string | null }>(`/tenants/${tenant.name}/sync-failures${qs({ q: search, limit: 100 })}`, { pollMs: 5000 });
  const retry = useAction();
  const retryOne = async (id: string) => {
    if (await retry.run(() => api('POST', `/tenants/${tenant.name}/users/${id}/sync`))) {
      toast('Sync queued');
      await list.reload();
    }
  };
  const base = `/stores/${tenant.name}`;
  const rows = list.data?.failures ?? [];
  return (
    <Page title="Not taken by Shopify" subtitle="Users stored here that Shopify refused, with the reason and where to fix it">
      <BlockStack gap="400">
        <Card>
          <TextField label="Search" value={q} onChange={setQ} placeholder="userName, e-mail or name" autoComplete="off" clearButton onClearButtonClick={() => setQ('')} />
        </Card>
        {list.error ? <LoadError error={list.error} retry={list.reload} /> : null}
        {retry.error ? <LoadError error={retry.error} /> : null}
        <Card padding="0">
          {list.data && rows.length === 0 ? (
            <Empty heading="Shopify took every user">Nothing to fix: when Shopify refuses a user, it is listed here with the reason.</Empty>
          ) : (
            <IndexTable
              resourceName={{ singular: 'user', plural: 'users' }}
              itemCount={rows.length}
              selectable={false}
              loading={list.loading}
              headings={[{ title: 'User' }, { title: 'Reason' }, { title: 'What to change' }, { title: 'Fix in' }, { title: '' }]}
            >
              {rows.map(({ user: u, fix }, i) => (
                <IndexTable.Row id={u.id} key={u.id} position={i}>
                  <IndexTable.Cell>
                    <Link url={`${base}/users/${u.id}`} removeUnderline>
                      {u.userName}
                    </Link>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <div className="cell-wrap">
                      <BlockStack gap="050">
                        <Text as="span" fontWeight="semibold" tone="critical">
                          {u.syncErrorCode ?? 'FAILED'}
                        </Text>
                        <Text as="span" variant="bodySm">
                          {u.syncError ?? ''}
                        </Text>
                      </BlockStack>
                    </div>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <div className="cell-wrap">
                      <Text as="span" variant="bodySm">
                        {fix.hint}
                      </Text>
                    </div>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <BlockStack gap="100">
                      {fix.rules.map((r) => (
                        <Link key={r.id} url={`${base}/mapping?rule=${encodeURIComponent(r.id)}`}>
                          {`Rule "${r.id}"${r.source ? ` (${r.source})` : ''}`}
                        </Link>
                      ))}
                      {fix.where === 'shop' ? <Link url={`${base}/settings`}>Shop connection</Link> : null}
                      {fix.where === 'mapping' && fix.rules.length === 0 ? <Link url={`${base}/mapping`}>Mapping</Link> : null}
                      {fix.where === 'retry' ? (
                        <Text as="span" variant="bodySm" tone="subdued">
                          Nothing to change
                        </Text>
                      ) : null}
                    </BlockStack>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <InlineStack>
                      <Button size="slim" onClick={() => void retryOne(u.id)} accessibilityLabel={`Retry ${u.userName}`}>
                        Retry
                      </Button>
                    </InlineStack>
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
