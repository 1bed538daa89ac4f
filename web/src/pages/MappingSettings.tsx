// The mapping's tag settings (static tags, templates, group tags, the deactivation tag) and the provisioning
// policies (what deactivation and deletion do, adoption of existing customers, which IdP changes apply, and how SCIM
// clients are answered: Shopify's refusals, reactivation by POST, externalId uniqueness, group PATCH answers).
import { useEffect, useState } from 'react';
import { Banner, BlockStack, Button, Card, Checkbox, FormLayout, InlineStack, Select, Text, TextField } from '@shopify/polaris';
import { api } from '../api';
import { useAction, useApi } from '../hooks';
import { useApp, useTenant } from '../App';
import { LoadError, Loading } from '../components/common';

const list = (s: string) =>
  s
    .split(/[\n,]/)
    .map((x) => x.trim())
    .filter(Boolean);

export function Tags() {
  const tenant = useTenant();
  const { toast } = useApp();
  const cur = useApi<{ tags: Record<string, any>; effectiveDeactivatedTag: string }>(`/tenants/${tenant.name}/tags`);
  const [f, setF] = useState<Record<string, any> | null>(null);
  const save = useAction();
  useEffect(() => {
    if (cur.data && !f)
      setF({
        ...cur.data.tags,
        staticText: (cur.data.tags.static ?? []).join(', '),
        templatesText: (cur.data.tags.templates ?? []).join('\n'),
      });
  }, [cur.data, f]);
  if (cur.error && !cur.data) return <LoadError error={cur.error} retry={cur.reload} />;
  if (!f) return <Loading />;
  const submit = async () => {
    const { staticText, templatesText, ...rest } = f;
    const r = await save.run(() =>
      api('PUT', `/tenants/${tenant.name}/tags`, { ...rest, static: list(staticText), templates: list(templatesText) }),
    );
    if (r) toast(`Tags saved (mapping version ${r.mappingVersion})`);
  };
  return (
    <Card>
      <BlockStack gap="400">
        <Text as="p" tone="subdued">
          The bridge only removes tags it set: tags a merchant, Shopify Flow or another app put on a customer stay.
        </Text>
        <FormLayout>
          <TextField
            label="Tags every provisioned customer gets"
            value={f.staticText}
            onChange={(v) => setF({ ...f, staticText: v })}
            helpText="Separate with commas."
            autoComplete="off"
          />
          <TextField
            label="Tag templates"
            value={f.templatesText}
            onChange={(v) => setF({ ...f, templatesText: v })}
            multiline={3}
            helpText="One a line, e.g. dept:{urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department}"
            autoComplete="off"
            monospaced
          />
          <FormLayout.Group>
            <TextField
              label="Group tag prefix"
              value={f.groupPrefix ?? ''}
              onChange={(v) => setF({ ...f, groupPrefix: v })}
              helpText="Put before each group's name."
              autoComplete="off"
            />
            <Select
              label="When a group is renamed"
              value={f.groupRename ?? 'retag'}
              onChange={(v) => setF({ ...f, groupRename: v })}
              options={[
                { label: 'Replace the old tag', value: 'retag' },
                { label: 'Keep the old tag too', value: 'keep' },
              ]}
            />
            <TextField
              label="Deactivation tag"
              value={f.deactivatedTag ?? ''}
              onChange={(v) => setF({ ...f, deactivatedTag: v })}
              helpText={`In force: ${cur.data?.effectiveDeactivatedTag ?? ''}`}
              autoComplete="off"
            />
          </FormLayout.Group>
          {save.error ? (
            <Banner tone="critical" title="The tags were not saved">
              <p>{save.error}</p>
            </Banner>
          ) : null}
          <Button variant="primary" onClick={() => void submit()} loading={save.busy}>
            Save tags
          </Button>
        </FormLayout>
      </BlockStack>
    </Card>
  );
}

export function Policies() {
  const tenant = useTenant();
  const { toast } = useApp();
  const cur = useApi<{ policies: Record<string, any>; stored: Record<string, any> }>(`/tenants/${tenant.name}/policies`);
  const [p, setP] = useState<Record<string, any> | null>(null);
  const save = useAction();
  useEffect(() => {
    if (cur.data && !p) setP({ ...cur.data.policies });
  }, [cur.data, p]);
  if (cur.error && !cur.data) return <LoadError error={cur.error} retry={cur.reload} />;
  if (!p || !cur.data) return <Loading />;
  const set = (k: string, v: unknown) => setP({ ...p, [k]: v });
  const submit = async () => {
    // only what differs from the defaults in force is stored, plus what was stored before
    const stored: Record<string, unknown> = { ...cur.data!.stored };
    for (const [k, v] of Object.entries(p)) if (JSON.stringify(v) !== JSON.stringify(cur.data!.policies[k]) || k in stored) stored[k] = v;
    const r = await save.run(() => api('PUT', `/tenants/${tenant.name}/policies`, stored));
    if (r) {
      toast('Policies saved');
      await cur.reload();
    }
  };
  const dep = [
    { label: 'Tag the customer (block tagged customers in the theme or with Flow)', value: 'tag' },
    { label: 'Delete the customer when Shopify allows, else tag', value: 'delete' },
    { label: 'Request GDPR erasure after a grace period', value: 'erase' },
  ];
  return (
    <Card>
      <FormLayout>
        <Select label="When a user is deactivated" value={p.deprovision} onChange={(v) => set('deprovision', v)} options={dep} />
        <Select
          label="When a user is deleted"
          value={p.delete}
          onChange={(v) => set('delete', v)}
          options={[{ label: 'The same as deactivation', value: 'deprovision' }, ...dep]}
        />
        <Select
          label="A new user whose e-mail a customer already has"
          value={p.adoption}
          onChange={(v) => set('adoption', v)}
          options={[
            { label: 'Link that customer (by e-mail)', value: 'email' },
            { label: 'Link that customer (by e-mail or phone)', value: 'emailOrPhone' },
            { label: 'Refuse the user (409)', value: 'off' },
          ]}
        />
        <Select
          label="When a customer is deleted in Shopify"
          value={p.shopifyDelete}
          onChange={(v) => set('shopifyDelete', v)}
          options={[
            { label: 'Deactivate the user', value: 'deactivate' },
            { label: 'Delete the user', value: 'delete' },
            { label: 'Do nothing', value: 'ignore' },
          ]}
        />
        <Checkbox
          label="Apply e-mail changes from the identity provider"
          checked={!!p.applyEmailChanges}
          onChange={(v) => set('applyEmailChanges', v)}
        />
        <Checkbox
          label="Apply userName changes from the identity provider"
          checked={!!p.applyUserNameChanges}
          onChange={(v) => set('applyUserNameChanges', v)}
        />
        <Checkbox
          label="Customers created in Shopify become SCIM users"
          checked={!!p.importShopifyCreated}
          onChange={(v) => set('importShopifyCreated', v)}
        />
        <Checkbox
          label="Withdraw e-mail marketing consent on deactivation"
          checked={!!p.withdrawMarketingConsent}
          onChange={(v) => set('withdrawMarketingConsent', v)}
        />
        <Text as="h3" variant="headingSm">
          How SCIM clients are answered
        </Text>
        <Select
          label="When Shopify cannot take a user (no name, e-mail or phone; an invalid or taken value)"
          value={p.onShopifyRefusal}
          onChange={(v) => set('onShopifyRefusal', v)}
          options={[
            { label: 'Keep the user and show the refusal as its sync state (hold)', value: 'hold' },
            { label: 'Answer the SCIM error and keep nothing of the write (reject)', value: 'reject' },
          ]}
          helpText="Hold suits every identity provider (Entra quarantines an application whose calls fail): the user is tried again when it, the mapping or these policies change. Reject suits an application of your own that should see the refusal at once."
        />
        <Checkbox
          label="A POST of an inactive user's userName restores that user (reactivateOnPost)"
          helpText="Off: the POST is 409, as SCIM says. Turn it on for a client that re-activates by creating the user again (some JumpCloud set-ups, custom apps)."
          checked={!!p.reactivateOnPost}
          onChange={(v) => set('reactivateOnPost', v)}
        />
        <Checkbox
          label="Refuse a second user or group with the same externalId from the same client (uniqueExternalId)"
          helpText="Leave it off for Entra ID, which maps mailNickname to externalId and may repeat it."
          checked={!!p.uniqueExternalId}
          onChange={(v) => set('uniqueExternalId', v)}
        />
        <Select
          label="What a group PATCH answers"
          value={p.groupPatchResponse}
          onChange={(v) => set('groupPatchResponse', v)}
          options={[
            { label: '200 with the group, like a user PATCH', value: 'resource' },
            { label: '204 without a body', value: 'noContent' },
          ]}
        />
        {save.error ? (
          <Banner tone="critical" title="The policies were not saved">
            <p>{save.error}</p>
          </Banner>
        ) : null}
        <InlineStack gap="300" blockAlign="center">
          <Button variant="primary" onClick={() => void submit()} loading={save.busy}>
            Save policies
          </Button>
          <Text as="span" tone="subdued" variant="bodySm">
            Saving tries every user Shopify could not take again.
          </Text>
        </InlineStack>
      </FormLayout>
    </Card>
  );
}
