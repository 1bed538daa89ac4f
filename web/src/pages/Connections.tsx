// SCIM clients of the store, one card per identity provider (and one for an application of your own): its tokens
// (issued here, shown once with a copy button, revoked at once), the SCIM base URL, the setup steps with this
// deployment's real values filled in, and the tenant policies the client needs (flagged when the current ones do not suit it).
import { useState } from 'react';
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Collapsible,
  IndexTable,
  InlineStack,
  Layout,
  Link,
  Modal,
  Page,
  Text,
  TextField,
} from '@shopify/polaris';
import { api } from '../api';
import { useAction, useApi } from '../hooks';
import { useApp, useTenant } from '../App';
import { Code, CopyField, LoadError, Loading, Time } from '../components/common';
import { IDPS, placeholderExamples, type Idp, type PolicyValues } from '../idps';

interface Token {
  id: string;
  label: string;
  tokenPrefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  /** when it stops working on its own (its expiry, or the end of a rotation's overlap) */
  expiresAt: string | null;
}

interface Issued extends Token {
  token: string;
  scimBaseUrl: string;
  examples: { curl: string; fetch: string };
}

const idpOf = (label: string): string => IDPS.find((i) => i.key !== 'custom' && label.toLowerCase().startsWith(i.key))?.key ?? 'custom';

export function Connections() {
  const tenant = useTenant();
  const list = useApi<{ tokens: Token[] }>(`/tenants/${tenant.name}/tokens`);
  const policies = useApi<{ policies: PolicyValues }>(`/tenants/${tenant.name}/policies`);
  const [issued, setIssued] = useState<{ idp: Idp; token: Issued } | null>(null);
  if (list.error && !list.data)
    return (
      <Page title="Connections">
        <LoadError error={list.error} retry={list.reload} />
      </Page>
    );
  // the cards wait for the policies too: a hint appearing after the first paint would move the buttons under the pointer
  if (!list.data || (!policies.data && !policies.error))
    return (
      <Page title="Connections">
        <Loading />
      </Page>
    );
  const now = Date.now();
  const tokens = list.data.tokens.filter((t) => !t.revokedAt && (!t.expiresAt || Date.parse(t.expiresAt) > now));
  return (
    <Page title="Connections" subtitle="Identity providers and applications that send users to this store over SCIM">
      <BlockStack gap="400">
        <Card>
          <BlockStack gap="300">
            <CopyField
              label="SCIM base URL"
              value={tenant.scimBaseUrl}
              helpText="Every SCIM client of this store uses this address, with its own bearer token."
            />
          </BlockStack>
        </Card>
        <Layout>
          {IDPS.map((idp) => (
            <Layout.Section key={idp.key}>
              <IdpCard
                idp={idp}
                policies={policies.data?.policies}
                tokens={tokens.filter((t) => idpOf(t.label) === idp.key)}
                onIssued={(t) => (setIssued({ idp, token: t }), void list.reload())}
                onRevoked={() => void list.reload()}
              />
            </Layout.Section>
          ))}
        </Layout>
      </BlockStack>
      {issued ? <IssuedModal issued={issued} onClose={() => setIssued(null)} /> : null}
    </Page>
  );
}

/** Which tenant policies the client needs, with a link to them, and a warning when the current ones do not suit it. */
function PolicyHint({ idp, policies }: { idp: Idp; policies: PolicyValues | undefined }) {
  const tenant = useTenant();
  const problem = policies && idp.policyProblem ? idp.policyProblem(policies) : null;
  const link = <Link url={`/stores/${tenant.name}/mapping?tab=policies`}>Open the policies</Link>;
  return (
    <Banner tone={problem ? 'warning' : 'info'} title={problem ? `The policies do not suit ${idp.name}` : `Policies for ${idp.name}`}>
      <BlockStack gap="100">
        <p>{idp.policyHint}</p>
        {problem ? <p>{`Now: ${problem}.`}</p> : null}
        <p>{link}</p>
      </BlockStack>
    </Banner>
  );
}

function IdpCard({
  idp,
  tokens,
  policies,
  onIssued,
  onRevoked,
}: {
  idp: Idp;
  tokens: Token[];
  policies: PolicyValues | undefined;
  onIssued: (t: Issued) => void;
  onRevoked: () => void;
}) {
  const tenant = useTenant();
  const { toast } = useApp();
  const [open, setOpen] = useState(false);
  const [label, setLabel] = useState(idp.key === 'custom' ? 'our website' : idp.key);
  const issue = useAction();
  const revoke = useAction();
  const rotate = useAction();
  const [revoking, setRevoking] = useState<Token | null>(null);
  // A new token for the same client; the old one keeps working for a day, so the identity provider can be switched.
  const doRotate = async (old: Token) => {
    const t = await rotate.run(() => api<Issued>('POST', `/tenants/${tenant.name}/tokens/${old.id}/rotate`, {}));
    if (t) {
      toast(`Token ${old.tokenPrefix}… keeps working for 24 hours`);
      onIssued(t);
    } else toast(`Token ${old.tokenPrefix}… could not be rotated: try again`, true);
  };
  const create = async () => {
    const t = await issue.run(() =>
      api<Issued>('POST', `/tenants/${tenant.name}/tokens`, {
        label: idp.key === 'custom' || label.toLowerCase().startsWith(idp.key) ? label : `${idp.key} ${label}`,
      }),
    );
    if (t) onIssued(t);
  };
  const doRevoke = async () => {
    if (!revoking) return;
    if (await revoke.run(() => api('DELETE', `/tenants/${tenant.name}/tokens/${revoking.id}`))) {
      toast(`Token ${revoking.tokenPrefix}… revoked`);
      onRevoked();
    }
    setRevoking(null);
  };
  const ex = placeholderExamples(tenant.scimBaseUrl);
  return (
    <section aria-label={idp.name}>
      <Card>
        <BlockStack gap="300">
          <InlineStack align="space-between" blockAlign="center">
            <BlockStack gap="050">
              <InlineStack gap="200" blockAlign="center">
                <Text as="h2" variant="headingMd">
                  {idp.name}
                </Text>
                {tokens.length ? (
                  <Badge tone="success">{`${tokens.length} token${tokens.length === 1 ? '' : 's'}`}</Badge>
                ) : (
                  <Badge>Not connected</Badge>
                )}
              </InlineStack>
              <Text as="p" tone="subdued">
                {idp.blurb}
              </Text>
            </BlockStack>
            <Button
              onClick={() => setOpen((v) => !v)}
              ariaExpanded={open}
              ariaControls={`idp-${idp.key}`}
              disclosure={open ? 'up' : 'down'}
            >
              {open ? 'Hide setup' : 'Set up'}
            </Button>
          </InlineStack>
          {tokens.length ? (
            <IndexTable
              resourceName={{ singular: 'token', plural: 'tokens' }}
              itemCount={tokens.length}
              selectable={false}
              headings={[
                { title: 'Label' },
                { title: 'Token' },
                { title: 'Issued' },
                { title: 'Last used' },
                { title: 'Expires' },
                { title: '' },
              ]}
            >
              {tokens.map((t, i) => (
                <IndexTable.Row id={t.id} key={t.id} position={i}>
                  <IndexTable.Cell>{t.label}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <code className="inline-code">{`${t.tokenPrefix}…`}</code>
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <Time at={t.createdAt} />
                  </IndexTable.Cell>
                  <IndexTable.Cell>
                    <Time at={t.lastUsedAt} />
                  </IndexTable.Cell>
                  <IndexTable.Cell>{t.expiresAt ? <Time at={t.expiresAt} /> : 'never'}</IndexTable.Cell>
                  <IndexTable.Cell>
                    <Button
                      size="slim"
                      variant="plain"
                      onClick={() => void doRotate(t)}
                      loading={rotate.busy}
                      accessibilityLabel={`Rotate token ${t.label}`}
                    >
                      Rotate
                    </Button>{' '}
                    <Button
                      size="slim"
                      tone="critical"
                      variant="plain"
                      onClick={() => setRevoking(t)}
                      accessibilityLabel={`Revoke token ${t.label}`}
                    >
                      Revoke
                    </Button>
                  </IndexTable.Cell>
                </IndexTable.Row>
              ))}
            </IndexTable>
          ) : null}
          {!open && policies && idp.policyProblem?.(policies) ? <PolicyHint idp={idp} policies={policies} /> : null}
          <Collapsible id={`idp-${idp.key}`} open={open}>
            <BlockStack gap="400">
              <PolicyHint idp={idp} policies={policies} />
              <ol className="steps">
                {idp.steps({ baseUrl: tenant.scimBaseUrl, token: '<the token issued below>' }).map((s, i) => (
                  <li key={i}>{s}</li>
                ))}
              </ol>
              {idp.key === 'custom' ? (
                <BlockStack gap="200">
                  <Text as="h3" variant="headingSm">
                    curl
                  </Text>
                  <Code label="curl example">{ex.curl}</Code>
                  <Text as="h3" variant="headingSm">
                    fetch (Node.js 18 or newer, on your server)
                  </Text>
                  <Code label="fetch example">{ex.fetch}</Code>
                </BlockStack>
              ) : null}
              <Box>
                <InlineStack gap="200" blockAlign="end">
                  <div style={{ minWidth: '14rem' }}>
                    <TextField
                      label="Token label"
                      value={label}
                      onChange={setLabel}
                      autoComplete="off"
                      helpText="Names the client in the activity log."
                    />
                  </div>
                  <Button variant="primary" onClick={() => void create()} loading={issue.busy}>
                    {`Issue a token for ${idp.name}`}
                  </Button>
                </InlineStack>
              </Box>
              {issue.error ? (
                <Banner tone="critical">
                  <p>{issue.error}</p>
                </Banner>
              ) : null}
            </BlockStack>
          </Collapsible>
        </BlockStack>
        <Modal
          open={revoking !== null}
          onClose={() => setRevoking(null)}
          title="Revoke this token?"
          primaryAction={{ content: 'Revoke', destructive: true, onAction: () => void doRevoke(), loading: revoke.busy }}
          secondaryActions={[{ content: 'Cancel', onAction: () => setRevoking(null) }]}
        >
          <Modal.Section>
            <Text as="p">{`${revoking?.label ?? ''} stops working at once: its next request gets 401. Users it provisioned stay.`}</Text>
          </Modal.Section>
        </Modal>
      </Card>
    </section>
  );
}

function IssuedModal({ issued, onClose }: { issued: { idp: Idp; token: Issued }; onClose: () => void }) {
  const { idp, token } = issued;
  return (
    <Modal
      open
      onClose={onClose}
      title={`Token for ${idp.name}`}
      primaryAction={{ content: 'I have copied it', onAction: onClose }}
      size="large"
    >
      <Modal.Section>
        <BlockStack gap="400">
          <Banner tone="warning" title="Copy the token now">
            <p>It is shown only this once; the bridge keeps only a hash of it. If it is lost, revoke it and issue another.</p>
          </Banner>
          <CopyField label="Bearer token" value={token.token} />
          <CopyField label="SCIM base URL" value={token.scimBaseUrl} />
          <Text as="h3" variant="headingSm">
            {`Set up ${idp.name}`}
          </Text>
          <ol className="steps">
            {idp.steps({ baseUrl: token.scimBaseUrl, token: token.token }).map((s, i) => (
              <li key={i}>{s}</li>
            ))}
          </ol>
          <Text as="p" tone="subdued">
            {idp.policyHint}
          </Text>
          {idp.key === 'custom' ? (
            <BlockStack gap="200">
              <Text as="h3" variant="headingSm">
                curl
              </Text>
              <Code label="curl example with the token">{token.examples.curl}</Code>
              <Text as="h3" variant="headingSm">
                fetch
              </Text>
              <Code label="fetch example with the token">{token.examples.fetch}</Code>
            </BlockStack>
          ) : null}
        </BlockStack>
      </Modal.Section>
    </Modal>
  );
}
