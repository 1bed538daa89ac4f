// Outbound targets: where changes flow out to (another application's SCIM server, or a webhook receiving signed
// events), each with "send test event"; adding one shows a generated webhook secret once.
import { useState } from 'react';
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  ChoiceList,
  FormLayout,
  IndexTable,
  InlineStack,
  Modal,
  Text,
  TextField,
} from '@shopify/polaris';
import { api } from '../api';
import { useAction, useApi } from '../hooks';
import { useApp, useTenant } from '../App';
import { CopyField, Empty, LoadError } from '../components/common';

interface TargetView {
  id: string;
  kind: 'scim' | 'webhook';
  url?: string;
  baseUrl?: string;
  label?: string;
  enabled?: boolean;
  events?: string[];
}

export function Targets() {
  const tenant = useTenant();
  const { toast } = useApp();
  const list = useApi<{ targets: TargetView[]; problems: string[] }>(`/tenants/${tenant.name}/targets`);
  const [adding, setAdding] = useState(false);
  const [kind, setKind] = useState<'webhook' | 'scim'>('webhook');
  const [url, setUrl] = useState('');
  const [token, setToken] = useState('');
  const [label, setLabel] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const [results, setResults] = useState<Record<string, { ok: boolean; message: string }>>({});
  const add = useAction();
  const test = useAction();
  const del = useAction();
  const create = async () => {
    const body =
      kind === 'webhook'
        ? { kind, url, events: ['*'], ...(label ? { label } : {}) }
        : { kind, baseUrl: url, token, ...(label ? { label } : {}) };
    const r = await add.run(() => api('POST', `/tenants/${tenant.name}/targets`, body));
    if (r) {
      setAdding(false);
      setUrl('');
      setToken('');
      setLabel('');
      if (r.secretShownOnce) setSecret(r.secret);
      toast('Target added');
      await list.reload();
    }
  };
  const sendTest = async (id: string) => {
    const r = await test.run(() => api<{ ok: boolean; message: string }>('POST', `/tenants/${tenant.name}/targets/${id}/test`));
    if (r) setResults((x) => ({ ...x, [id]: r }));
  };
  const remove = async (id: string) => {
    if (await del.run(() => api('DELETE', `/tenants/${tenant.name}/targets/${id}`))) {
      toast('Target removed');
      await list.reload();
    }
  };
  if (list.error && !list.data) return <LoadError error={list.error} retry={list.reload} />;
  const targets = list.data?.targets ?? [];
  return (
    <BlockStack gap="400">
      {list.data?.problems.length ? (
        <Banner tone="warning" title="Some stored targets cannot be read">
          <ul>
            {list.data.problems.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        </Banner>
      ) : null}
      {test.error ? <LoadError error={test.error} /> : null}
      {del.error ? <LoadError error={del.error} /> : null}
      <Card padding="0">
        {targets.length === 0 ? (
          <Empty heading="No outbound targets" action={<Button onClick={() => setAdding(true)}>Add a target</Button>}>
            Changes made here or in Shopify can flow out to another application's SCIM server or to a webhook.
          </Empty>
        ) : (
          <IndexTable
            resourceName={{ singular: 'target', plural: 'targets' }}
            itemCount={targets.length}
            selectable={false}
            headings={[{ title: 'Target' }, { title: 'Kind' }, { title: 'Address' }, { title: 'Test' }, { title: '' }]}
          >
            {targets.map((t, i) => (
              <IndexTable.Row id={t.id} key={t.id} position={i}>
                <IndexTable.Cell>
                  <BlockStack gap="050">
                    <Text as="span" fontWeight="semibold">
                      {t.label || t.id}
                    </Text>
                    {t.enabled === false ? <Badge>Disabled</Badge> : null}
                  </BlockStack>
                </IndexTable.Cell>
                <IndexTable.Cell>{t.kind === 'scim' ? 'SCIM server' : 'Webhook'}</IndexTable.Cell>
                <IndexTable.Cell>
                  <div className="cell-wrap">{t.url ?? t.baseUrl}</div>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <BlockStack gap="100">
                    <InlineStack>
                      <Button
                        size="slim"
                        onClick={() => void sendTest(t.id)}
                        loading={test.busy}
                        accessibilityLabel={`Send a test event to ${t.label || t.id}`}
                      >
                        Send test event
                      </Button>
                    </InlineStack>
                    {results[t.id] ? (
                      <div className="cell-wrap">
                        <Text as="p" variant="bodySm" tone={results[t.id]!.ok ? 'success' : 'critical'}>
                          {results[t.id]!.message}
                        </Text>
                      </div>
                    ) : null}
                  </BlockStack>
                </IndexTable.Cell>
                <IndexTable.Cell>
                  <Button
                    size="slim"
                    variant="plain"
                    tone="critical"
                    onClick={() => void remove(t.id)}
                    accessibilityLabel={`Remove ${t.label || t.id}`}
                  >
                    Remove
                  </Button>
                </IndexTable.Cell>
              </IndexTable.Row>
            ))}
          </IndexTable>
        )}
      </Card>
      {targets.length ? (
        <InlineStack>
          <Button onClick={() => setAdding(true)}>Add a target</Button>
        </InlineStack>
      ) : null}
      <Modal
        open={adding}
        onClose={() => setAdding(false)}
        title="Add an outbound target"
        primaryAction={{ content: 'Add target', onAction: () => void create(), loading: add.busy }}
        secondaryActions={[{ content: 'Cancel', onAction: () => setAdding(false) }]}
      >
        <Modal.Section>
          <FormLayout>
            <ChoiceList
              title="Kind"
              choices={[
                { label: 'Webhook (signed JSON events, Standard Webhooks)', value: 'webhook' },
                { label: "Another application's SCIM server", value: 'scim' },
              ]}
              selected={[kind]}
              onChange={(v) => setKind(v[0] as 'webhook' | 'scim')}
            />
            <TextField label="Label" value={label} onChange={setLabel} autoComplete="off" />
            <TextField
              label={kind === 'webhook' ? 'Webhook URL' : 'SCIM base URL'}
              value={url}
              onChange={setUrl}
              placeholder={kind === 'webhook' ? 'https://crm.example.com/hooks' : 'https://app.example.com/scim/v2'}
              autoComplete="off"
            />
            {kind === 'scim' ? (
              <TextField label="Bearer token" type="password" value={token} onChange={setToken} autoComplete="off" />
            ) : (
              <Text as="p" tone="subdued">
                A signing secret is generated and shown once.
              </Text>
            )}
            {add.error ? (
              <Banner tone="critical">
                <p>{add.error}</p>
              </Banner>
            ) : null}
          </FormLayout>
        </Modal.Section>
      </Modal>
      <Modal
        open={secret !== null}
        onClose={() => setSecret(null)}
        title="The webhook's signing secret"
        primaryAction={{ content: 'I have copied it', onAction: () => setSecret(null) }}
      >
        <Modal.Section>
          <BlockStack gap="300">
            <Text as="p">Verify each event's webhook-signature header with this secret. It is shown only this once.</Text>
            <CopyField label="Signing secret" value={secret ?? ''} />
          </BlockStack>
        </Modal.Section>
      </Modal>
    </BlockStack>
  );
}
