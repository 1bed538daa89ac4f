// The users Shopify could not take (no e-mail, name or phone; an invalid value; an e-mail already taken), each with
// Shopify's reason, what to change, links to the mapping rule, the SCIM attribute, the policies or the shop, and a
// retry; counts per reason to filter by, and "retry all" for fixes made in Shopify, which the bridge cannot see.
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Banner, BlockStack, Button, Card, IndexTable, InlineStack, Link, Page, Text, TextField } from '@shopify/polaris';
import { api, qs } from '../api';
import { useAction, useApi, useDebounced } from '../hooks';
import { useApp, useTenant } from '../App';
import { Empty, LiveNotice, LoadError } from '../components/common';
import type { UserEntry } from './Users';

interface Fix {
  where: 'attribute' | 'mapping' | 'policies' | 'shop' | 'retry';
  field: string | null;
  rules: { id: string; source: string | null; target: string }[];
  attributes: string[];
  hint: string;
}

interface Failure {
  user: UserEntry;
  fix: Fix;
}

/** Each refusal code in words, for people who do not read codes. */
export const REASONS: Record<string, string> = {
  CUSTOMER_NEEDS_IDENTITY: 'No name, e-mail or phone',
  EMAIL_INVALID: 'E-mail address not valid',
  EMAIL_TAKEN: 'E-mail address taken',
  PHONE_INVALID: 'Phone number not valid',
  PHONE_TAKEN: 'Phone number taken',
  INVALID_VALUE: 'A value the mapping refuses',
  INVALID_INPUT: 'A value Shopify refuses',
  TAKEN: 'A unique value taken',
  CUSTOM_ID_TAKEN: 'Custom id taken',
  DEFINITION_MISMATCH: 'Metafield type differs',
  SETTINGS_INVALID: 'Settings cannot be read',
};

const reasonOf = (code: string | null) => (code ? (REASONS[code] ?? code) : 'Failed');

function FixLinks({ fix, base, userId }: { fix: Fix; base: string; userId: string }) {
  return (
    <BlockStack gap="100">
      {fix.rules.map((r) => (
        <Link key={r.id} url={`${base}/mapping?rule=${encodeURIComponent(r.id)}`}>{`Mapping rule "${r.id}" → ${r.target}`}</Link>
      ))}
      {fix.attributes.length ? (
        <Link url={`${base}/users/${userId}`}>{`SCIM attribute${fix.attributes.length > 1 ? 's' : ''} ${fix.attributes.join(', ')}`}</Link>
      ) : null}
      {fix.where === 'policies' ? <Link url={`${base}/mapping?tab=policies`}>Policies</Link> : null}
      {fix.where === 'shop' ? <Link url={`${base}/settings`}>Shop connection</Link> : null}
      {fix.where === 'mapping' && fix.rules.length === 0 ? <Link url={`${base}/mapping`}>Mapping</Link> : null}
      {fix.where === 'retry' ? (
        <Text as="span" variant="bodySm" tone="subdued">
          Nothing to change: retry
        </Text>
      ) : null}
    </BlockStack>
  );
}

export function Failures() {
  const tenant = useTenant();
  const { toast } = useApp();
  const [params, setParams] = useSearchParams();
  const [q, setQ] = useState(params.get('q') ?? '');
  const search = useDebounced(q, 300);
  const errorCode = params.get('code') ?? '';
  const list = useApi<{ failures: Failure[]; total: number; next: string | null; byCode: { code: string | null; count: number }[] }>(
    `/tenants/${tenant.name}/sync-failures${qs({ q: search, errorCode, limit: 100 })}`,
    { pollMs: 5000 },
  );
  const retry = useAction();
  const retryOne = async (id: string) => {
    if (await retry.run(() => api('POST', `/tenants/${tenant.name}/users/${id}/sync`))) {
      toast('Sync queued');
      await list.reload();
    }
  };
  const retryAll = async () => {
    const r = await retry.run(() => api<{ queued: number }>('POST', `/tenants/${tenant.name}/sync-failures/retry`));
    if (r) {
      toast(r.queued === 1 ? '1 user is queued again' : `${r.queued} users are queued again`);
      await list.reload();
    }
  };
  const setCode = (code: string) => {
    const p = new URLSearchParams(params);
    if (code && code !== errorCode) p.set('code', code);
    else p.delete('code');
    setParams(p, { replace: true });
  };
  const base = `/stores/${tenant.name}`;
  const rows = list.data?.failures ?? [];
  const byCode = list.data?.byCode ?? [];
  return (
    <Page
      title="Not taken by Shopify"
      subtitle="Users stored here that Shopify refused, with the reason and where to fix it"
      primaryAction={{ content: 'Retry all', onAction: () => void retryAll(), loading: retry.busy, disabled: !byCode.length }}
    >
      <BlockStack gap="400">
        <Banner tone="info">
          <p>
            These users are kept as the identity provider sent them. A change to the user in the identity provider, or saving the mapping,
            the policies or the SCIM schemas, tries every one of them again by itself. After a fix made in Shopify (a customer merged or
            deleted), use Retry all.
          </p>
        </Banner>
        {byCode.length ? (
          <InlineStack gap="200" wrap>
            {byCode.map((c) => (
              <Button key={c.code ?? 'none'} pressed={errorCode === (c.code ?? '')} onClick={() => setCode(c.code ?? '')} size="slim">
                {`${reasonOf(c.code)}: ${c.count}`}
              </Button>
            ))}
          </InlineStack>
        ) : null}
        <Card>
          <TextField
            label="Search"
            value={q}
            onChange={setQ}
            placeholder="userName, e-mail or name"
            autoComplete="off"
            clearButton
            onClearButtonClick={() => setQ('')}
          />
        </Card>
        {list.error && !list.data ? (
          <LoadError error={list.error} retry={list.reload} />
        ) : (
          <LiveNotice error={list.error} updatedAt={list.updatedAt} retry={list.reload} />
        )}
        {retry.error ? <LoadError error={retry.error} /> : null}
        <Card padding="0">
          {list.data && rows.length === 0 ? (
            search || errorCode ? (
              <Empty heading="No user matches">Try another search, or show every reason.</Empty>
            ) : (
              <Empty heading="Shopify took every user">
                Nothing to fix: when Shopify refuses a user, it is listed here with the reason.
              </Empty>
            )
          ) : (
            <IndexTable
              resourceName={{ singular: 'user', plural: 'users' }}
              itemCount={rows.length}
              selectable={false}
              loading={list.loading && !list.data}
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
                    <div className="cell-wrap cell-narrow">
                      <BlockStack gap="050">
                        <Text as="span" fontWeight="semibold" tone="critical">
                          {reasonOf(u.syncErrorCode)}
                        </Text>
                        <Text as="span" variant="bodySm" tone="subdued">
                          {u.syncErrorCode ?? ''}
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
                    <div className="cell-wrap cell-narrow">
                      <FixLinks fix={fix} base={base} userId={u.id} />
                    </div>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <Button size="slim" onClick={() => void retryOne(u.id)} accessibilityLabel={`Retry ${u.userName}`}>
                      Retry
                    </Button>
                  </IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
          )}
        </Card>
        {list.data?.next ? (
          <Text as="p" tone="subdued" alignment="center">
            {`Showing the first ${rows.length} of ${list.data.total}: search or choose a reason to narrow the list.`}
          </Text>
        ) : null}
      </BlockStack>
    </Page>
  );
}
