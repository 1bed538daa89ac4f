// Connecting a store to its Shopify shop: the domain and an Admin API access token (legacy custom app) or a Dev
// Dashboard app's client id and secret, an optional other API address (the emulator), "test connection" with one
// sentence per problem, and in demo mode the built-in emulator in one click.
import { useState } from 'react';
import {
  Banner,
  BlockStack,
  Button,
  ChoiceList,
  Collapsible,
  FormLayout,
  InlineStack,
  List,
  Text,
  TextField,
  Badge,
  Form,
} from '@shopify/polaris';
import { api } from '../api';
import { useAction } from '../hooks';
import { useApp } from '../App';

export interface ShopView {
  connected: boolean;
  shop?: string;
  apiBaseUrl?: string;
  apiVersion?: string;
  auth?: 'token' | 'clientCredentials';
  clientId?: string;
  accessToken?: string;
  clientSecret?: string;
  webhooks?: { ok: boolean; error?: string };
}

interface CheckReport {
  ok: boolean;
  shop: string | null;
  info: {
    name?: string;
    plan?: { displayName: string; partnerDevelopment: boolean; shopifyPlus: boolean };
    grantedScopes?: string[];
    apiVersion?: string;
  } | null;
  customerDataAccess: boolean | null;
  problems: { code: string; message: string }[];
  /** whether Shopify's webhooks reach this bridge; its problems are also in `problems` */
  webhooks?: { problems: { code: string; message: string }[]; warnings: { code: string; message: string }[] };
}

export function ShopForm({ tenant, current, onConnected }: { tenant: string; current?: ShopView; onConnected: (v: ShopView) => void }) {
  const { session } = useApp();
  const [shop, setShop] = useState(current?.shop ?? '');
  const [auth, setAuth] = useState<'token' | 'clientCredentials'>(current?.auth ?? 'token');
  const [accessToken, setAccessToken] = useState('');
  const [webhookSecret, setWebhookSecret] = useState('');
  const [clientId, setClientId] = useState(current?.clientId ?? '');
  const [clientSecret, setClientSecret] = useState('');
  const [apiBaseUrl, setApiBaseUrl] = useState(current?.apiBaseUrl ?? '');
  const [apiVersion, setApiVersion] = useState(current?.apiVersion ?? '');
  const [advanced, setAdvanced] = useState(!!current?.apiBaseUrl);
  const [report, setReport] = useState<CheckReport | null>(null);
  const save = useAction();
  const check = useAction();

  const keep = current?.connected && current.shop === shop.trim().toLowerCase();
  const connect = async () => {
    setReport(null);
    const body: Record<string, string> = { shop };
    if (auth === 'token') {
      if (accessToken) body.accessToken = accessToken;
      if (webhookSecret) body.webhookSecret = webhookSecret;
    } else {
      if (clientId) body.clientId = clientId;
      if (clientSecret) body.clientSecret = clientSecret;
    }
    if (apiBaseUrl) body.apiBaseUrl = apiBaseUrl;
    if (apiVersion) body.apiVersion = apiVersion;
    const v = await save.run(() => api<ShopView>('PUT', `/tenants/${tenant}/shop`, body));
    if (v) {
      onConnected(v);
      await test();
    }
  };
  const useEmulator = async () => {
    setReport(null);
    const v = await save.run(() => api<ShopView>('POST', `/tenants/${tenant}/shop/emulator`));
    if (v) {
      onConnected(v);
      await test();
    }
  };
  const test = async () => {
    const r = await check.run(() => api<CheckReport>('POST', `/tenants/${tenant}/shop/check`));
    if (r) setReport(r);
  };

  return (
    <BlockStack gap="400">
      {session.features.emulator ? (
        <Banner
          tone="info"
          title="Demo mode"
          action={{ content: 'Use the built-in Shopify emulator', onAction: () => void useEmulator(), loading: save.busy }}
        >
          <p>This bridge runs a Shopify emulator in-process, so everything can be tried without a real store.</p>
        </Banner>
      ) : null}
      <Form onSubmit={connect}>
        <FormLayout>
          <TextField
            label="Shop domain"
            value={shop}
            onChange={setShop}
            placeholder="my-store.myshopify.com"
            autoComplete="off"
            helpText="The myshopify.com address of the store."
            requiredIndicator
          />
          <ChoiceList
            title="How the bridge signs in to Shopify"
            choices={[
              { label: 'Admin API access token (a custom app made in the store admin)', value: 'token' },
              { label: 'Client ID and secret (an app made in the Dev Dashboard)', value: 'clientCredentials' },
            ]}
            selected={[auth]}
            onChange={(v) => setAuth(v[0] as 'token' | 'clientCredentials')}
          />
          {auth === 'token' ? (
            <FormLayout.Group>
              <TextField
                label="Admin API access token"
                type="password"
                value={accessToken}
                onChange={setAccessToken}
                placeholder={keep && current?.accessToken === 'set' ? 'Stored: leave empty to keep it' : 'shpat_…'}
                autoComplete="off"
              />
              <TextField
                label="API secret key (signs webhooks)"
                type="password"
                value={webhookSecret}
                onChange={setWebhookSecret}
                placeholder={keep && current?.clientSecret === 'set' ? 'Stored: leave empty to keep it' : 'shpss_…'}
                autoComplete="off"
                helpText="Without it, changes made in Shopify cannot come back to the bridge (its SCIM view and outbound targets)."
              />
            </FormLayout.Group>
          ) : (
            <FormLayout.Group>
              <TextField label="Client ID" value={clientId} onChange={setClientId} autoComplete="off" />
              <TextField
                label="Client secret"
                type="password"
                value={clientSecret}
                onChange={setClientSecret}
                placeholder={keep && current?.clientSecret === 'set' ? 'Stored: leave empty to keep it' : 'shpss_…'}
                autoComplete="off"
              />
            </FormLayout.Group>
          )}
          <Button
            variant="plain"
            onClick={() => setAdvanced((v) => !v)}
            ariaExpanded={advanced}
            ariaControls="shop-advanced"
            disclosure={advanced ? 'up' : 'down'}
          >
            Advanced
          </Button>
          <Collapsible id="shop-advanced" open={advanced}>
            <FormLayout.Group>
              <TextField
                label="Admin API address"
                value={apiBaseUrl}
                onChange={setApiBaseUrl}
                placeholder="https://my-store.myshopify.com"
                helpText="Only for another address, such as the Shopify emulator's."
                autoComplete="off"
              />
              <TextField label="API version" value={apiVersion} onChange={setApiVersion} placeholder="2026-10" autoComplete="off" />
            </FormLayout.Group>
          </Collapsible>
          {save.error ? (
            <Banner tone="critical" title="The shop was not connected">
              <p>{save.error}</p>
            </Banner>
          ) : null}
          <InlineStack gap="200">
            <Button submit variant="primary" loading={save.busy}>
              Save and test connection
            </Button>
            {current?.connected ? (
              <Button onClick={() => void test()} loading={check.busy}>
                Test connection
              </Button>
            ) : null}
          </InlineStack>
        </FormLayout>
      </Form>
      {check.error ? (
        <Banner tone="critical" title="The test could not run">
          <p>{check.error}</p>
        </Banner>
      ) : null}
      {report ? <CheckResult report={report} /> : null}
    </BlockStack>
  );
}

export function CheckResult({ report }: { report: CheckReport }) {
  // The connection and webhook delivery are told apart: a shop that answers is connected even when its changes cannot
  // come back yet (no public URL, topics not subscribed), which is its own warning.
  const hooks = report.webhooks?.problems ?? [];
  const isHook = (p: { code: string; message: string }) => hooks.some((h) => h.code === p.code && h.message === p.message);
  const connection = report.problems.filter((p) => !isHook(p));
  const notes = [...hooks, ...(report.webhooks?.warnings ?? [])];
  if (connection.length)
    return (
      <Banner tone="critical" title="The connection test found problems">
        <List>
          {report.problems.map((p) => (
            <List.Item key={p.code + p.message}>{p.message}</List.Item>
          ))}
        </List>
      </Banner>
    );
  return (
    <BlockStack gap="200">
      <Banner tone="success" title={`Connected to ${report.info?.name ?? report.shop}`}>
        <BlockStack gap="100">
          <InlineStack gap="200">
            {report.info?.plan?.displayName ? (
              <Badge>{`Plan: ${report.info.plan.displayName}${report.info.plan.partnerDevelopment ? ' (development store)' : ''}`}</Badge>
            ) : null}
            {report.info?.apiVersion ? <Badge>{`API ${report.info.apiVersion}`}</Badge> : null}
            <Badge tone={report.customerDataAccess ? 'success' : 'warning'}>
              {report.customerDataAccess ? 'Customer data: readable' : 'Customer data: not readable'}
            </Badge>
          </InlineStack>
          {report.info?.grantedScopes?.length ? (
            <Text as="p" variant="bodySm">{`Scopes: ${report.info.grantedScopes.join(', ')}`}</Text>
          ) : null}
        </BlockStack>
      </Banner>
      {notes.length ? (
        <Banner tone="warning" title="Changes made in Shopify may not come back to the bridge">
          <List>
            {notes.map((p) => (
              <List.Item key={p.code + p.message}>{p.message}</List.Item>
            ))}
          </List>
        </Banner>
      ) : null}
    </BlockStack>
  );
}
