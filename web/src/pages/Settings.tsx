// A store's settings: its Shopify shop connection (with "test connection"), privacy of the activity log, and the
// signed-in account's password.
import { useEffect, useState } from 'react';
import { Banner, BlockStack, Button, Card, Checkbox, FormLayout, InlineStack, Layout, Page, Text, TextField } from '@shopify/polaris';
import { api } from '../api';
import { useAction, useApi } from '../hooks';
import { useApp, useTenant } from '../App';
import { CopyField, LoadError, Loading } from '../components/common';
import { ShopForm, type ShopView } from '../components/ShopForm';

export function Settings() {
  const tenant = useTenant();
  const { session, toast } = useApp();
  const shop = useApi<ShopView>(`/tenants/${tenant.name}/shop`);
  const privacy = useApi<{ maskPersonalData: boolean }>(`/tenants/${tenant.name}/privacy`);
  const [mask, setMask] = useState(false);
  useEffect(() => setMask(!!privacy.data?.maskPersonalData), [privacy.data]);
  const savePrivacy = useAction();
  const disconnect = useAction();
  return (
    <Page title="Settings" subtitle={tenant.displayName}>
      <Layout>
        <Layout.AnnotatedSection
          title="Shopify shop"
          description="The shop this store's users become customers of, and how the bridge signs in to it."
        >
          <Card>
            {shop.error ? (
              <LoadError error={shop.error} retry={shop.reload} />
            ) : !shop.data ? (
              <Loading />
            ) : (
              <BlockStack gap="400">
                {shop.data.connected ? (
                  <Banner tone="success" title={`Connected to ${shop.data.shop}`}>
                    <p>{`Signs in with ${shop.data.auth === 'token' ? 'an Admin API access token' : 'client credentials'}; webhook secret ${shop.data.clientSecret === 'set' ? 'set' : 'not set'}.`}</p>
                  </Banner>
                ) : null}
                <ShopForm
                  key={String(shop.data.connected) + (shop.data.shop ?? '')}
                  tenant={tenant.name}
                  current={shop.data}
                  onConnected={() => void shop.reload()}
                />
                {shop.data.connected ? (
                  <InlineStack>
                    <Button
                      tone="critical"
                      variant="plain"
                      loading={disconnect.busy}
                      onClick={async () => {
                        if (await disconnect.run(() => api('DELETE', `/tenants/${tenant.name}/shop`))) {
                          toast('Shop disconnected');
                          await shop.reload();
                        }
                      }}
                    >
                      Disconnect the shop
                    </Button>
                  </InlineStack>
                ) : null}
                {disconnect.error ? (
                  <Text as="p" tone="critical">
                    {disconnect.error}
                  </Text>
                ) : null}
              </BlockStack>
            )}
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title="SCIM" description="The address every SCIM client of this store uses.">
          <Card>
            <CopyField label="SCIM base URL" value={tenant.scimBaseUrl} />
          </Card>
        </Layout.AnnotatedSection>
        <Layout.AnnotatedSection title="Privacy" description="What the activity log and its CSV export show of people.">
          <Card>
            <BlockStack gap="300">
              <Checkbox
                label="Mask personal data in the activity log and its export"
                helpText="userNames and e-mail addresses show only their first characters."
                checked={mask}
                onChange={async (v) => {
                  setMask(v);
                  if (await savePrivacy.run(() => api('PUT', `/tenants/${tenant.name}/privacy`, { maskPersonalData: v })))
                    toast(v ? 'Personal data is masked' : 'Personal data is shown');
                }}
              />
              {savePrivacy.error ? (
                <Text as="p" tone="critical">
                  {savePrivacy.error}
                </Text>
              ) : null}
            </BlockStack>
          </Card>
        </Layout.AnnotatedSection>
        {session.via === 'session' ? (
          <Layout.AnnotatedSection title="Your account" description={`Signed in as ${session.user?.username}.`}>
            <PasswordCard />
          </Layout.AnnotatedSection>
        ) : null}
      </Layout>
    </Page>
  );
}

function PasswordCard() {
  const { session, toast } = useApp();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const change = useAction();
  if (session.passwordFromEnvironment && session.user?.username === 'admin')
    return (
      <Card>
        <Text as="p">This account's password comes from ADMIN_PASSWORD: change the variable and restart the bridge.</Text>
      </Card>
    );
  return (
    <Card>
      <FormLayout>
        <TextField label="Current password" type="password" value={current} onChange={setCurrent} autoComplete="current-password" />
        <TextField
          label="New password"
          type="password"
          value={next}
          onChange={setNext}
          autoComplete="new-password"
          helpText={`At least ${session.minPasswordLength} characters. Your other sessions end.`}
        />
        {change.error ? (
          <Text as="p" tone="critical">
            {change.error}
          </Text>
        ) : null}
        <Button
          loading={change.busy}
          onClick={async () => {
            if (
              (await change.run(() => api('POST', '/account/password', { currentPassword: current, newPassword: next }))) !== undefined ||
              !change.error
            ) {
              setCurrent('');
              setNext('');
            }
          }}
        >
          Change password
        </Button>
      </FormLayout>
    </Card>
  );
}
