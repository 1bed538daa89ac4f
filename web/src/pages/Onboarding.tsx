// The first steps after set-up: name the store (a tenant: its SCIM base URL is /scim/v2/<name>), connect it to its
// Shopify shop, then go on to the dashboard.
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { Banner, BlockStack, Button, Card, Form, FormLayout, Layout, Page, Text, TextField, InlineStack, Badge } from '@shopify/polaris';
import { api } from '../api';
import { useAction } from '../hooks';
import { useApp } from '../App';
import { ShopForm } from '../components/ShopForm';

export function Onboarding() {
  const { tenants, reloadTenants } = useApp();
  const navigate = useNavigate();
  const [step, setStep] = useState<1 | 2>(1);
  const [displayName, setDisplayName] = useState('');
  const [name, setName] = useState('');
  const [edited, setEdited] = useState(false);
  const create = useAction();
  const [connected, setConnected] = useState(false);
  const slug = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 63);

  const submit = async () => {
    const t = await create.run(() => api('POST', '/tenants', { name, displayName: displayName || name }));
    if (t) {
      await reloadTenants();
      setStep(2);
    }
  };
  const errors = (create.details as { errors?: string[] } | null)?.errors;

  return (
    <Page title={tenants.length ? 'Add a store' : 'Welcome'} subtitle="Two steps: name the store, then connect it to Shopify." narrowWidth>
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <InlineStack gap="200" blockAlign="center">
                <Badge tone={step === 1 ? 'info' : 'success'}>Step 1</Badge>
                <Text as="h2" variant="headingMd">
                  Name the store
                </Text>
              </InlineStack>
              {step === 1 ? (
                <Form onSubmit={submit}>
                  <FormLayout>
                    <TextField
                      label="Store name"
                      value={displayName}
                      onChange={(v) => {
                        setDisplayName(v);
                        if (!edited) setName(slug(v));
                      }}
                      placeholder="Acme employee store"
                      autoComplete="off"
                    />
                    <TextField
                      label="Short name (in the SCIM address)"
                      value={name}
                      onChange={(v) => {
                        setEdited(true);
                        setName(v);
                      }}
                      prefix="/scim/v2/"
                      helpText="Lower-case letters, digits and dashes."
                      autoComplete="off"
                      error={create.error ?? undefined}
                      requiredIndicator
                    />
                    {errors?.length ? (
                      <Text as="p" tone="critical">
                        {errors.join('; ')}
                      </Text>
                    ) : null}
                    <Button submit variant="primary" loading={create.busy} disabled={!name}>
                      Continue
                    </Button>
                  </FormLayout>
                </Form>
              ) : (
                <Text as="p" tone="subdued">{`${displayName || name} (/scim/v2/${name})`}</Text>
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
        {step === 2 ? (
          <Layout.Section>
            <Card>
              <BlockStack gap="400">
                <InlineStack gap="200" blockAlign="center">
                  <Badge tone={connected ? 'success' : 'info'}>Step 2</Badge>
                  <Text as="h2" variant="headingMd">
                    Connect Shopify
                  </Text>
                </InlineStack>
                <ShopForm tenant={name} onConnected={() => setConnected(true)} />
                {connected ? (
                  <Banner
                    tone="success"
                    title="The store is connected"
                    action={{ content: 'Go to the dashboard', onAction: () => navigate(`/stores/${name}/dashboard`) }}
                  >
                    <p>Next, issue a token for your identity provider on the Connections page.</p>
                  </Banner>
                ) : (
                  <InlineStack>
                    <Button variant="plain" onClick={() => navigate(`/stores/${name}/dashboard`)}>
                      Skip for now
                    </Button>
                  </InlineStack>
                )}
              </BlockStack>
            </Card>
          </Layout.Section>
        ) : null}
      </Layout>
    </Page>
  );
}
