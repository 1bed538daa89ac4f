// How a SCIM user becomes a Shopify customer: the rules (SCIM attribute -> Shopify target) with pickers, presets,
// messages inline under the rule they concern, and a live preview on a sample user; then tags, provisioning policies
// and outbound targets.
import { useEffect, useMemo, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Divider,
  InlineGrid,
  InlineStack,
  Layout,
  Page,
  Select,
  Tabs,
  Text,
  TextField,
} from '@shopify/polaris';
import { DeleteIcon, PlusIcon } from '@shopify/polaris-icons';
import { api } from '../api';
import { useAction, useApi, useDebounced } from '../hooks';
import { useApp, useTenant } from '../App';
import { Code, LoadError, Loading } from '../components/common';
import { METAFIELD_TYPES, SAMPLE_USER, SCIM_ATTRIBUTES, TARGET_OPTIONS, targetFrom, targetValue, type Target } from '../mappingOptions';
import { Policies, Tags } from './MappingSettings';
import { Targets } from './Targets';

interface Rule {
  id: string;
  source?: string;
  target: Target;
  transforms: unknown[];
  direction?: string;
  when?: string;
  onInvalid?: string;
  description?: string;
}

interface Doc {
  version: number;
  preset?: string;
  rules: Rule[];
  [k: string]: unknown;
}

interface Problem {
  path: string;
  ruleId?: string;
  message: string;
}

const TABS = [
  { id: 'rules', content: 'Rules' },
  { id: 'tags', content: 'Tags' },
  { id: 'policies', content: 'Policies' },
  { id: 'targets', content: 'Outbound targets' },
];

export function Mapping() {
  const [params, setParams] = useSearchParams();
  const tab = Math.max(
    0,
    TABS.findIndex((t) => t.id === params.get('tab')),
  );
  return (
    <Page title="Mapping" subtitle="What each SCIM attribute becomes in Shopify, and what the bridge does on a change">
      <BlockStack gap="400">
        <Tabs
          tabs={TABS.map((t) => ({ ...t, panelID: `mapping-${t.id}` }))}
          selected={tab}
          onSelect={(i) => setParams(i ? { tab: TABS[i]!.id } : {}, { replace: true })}
        />
        <div id={`mapping-${TABS[tab]!.id}`}>
          {tab === 0 ? <Rules focus={params.get('rule')} /> : tab === 1 ? <Tags /> : tab === 2 ? <Policies /> : <Targets />}
        </div>
      </BlockStack>
    </Page>
  );
}

function Rules({ focus }: { focus: string | null }) {
  const tenant = useTenant();
  const { toast } = useApp();
  const current = useApi<{ version: number; source: string; document: Doc }>(`/tenants/${tenant.name}/mapping`);
  const presets = useApi<{ presets: { name: string; description: string }[] }>('/presets');
  const [doc, setDoc] = useState<Doc | null>(null);
  const [preset, setPreset] = useState('');
  const [sample, setSample] = useState(JSON.stringify(SAMPLE_USER, null, 2));
  const [preview, setPreview] = useState<any>(null);
  const [previewError, setPreviewError] = useState<string | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  const save = useAction();
  const applyPreset = useAction();
  useEffect(() => {
    if (current.data && !doc) setDoc(current.data.document);
  }, [current.data, doc]);
  useEffect(() => {
    if (focus) document.getElementById(`rule-${focus}`)?.scrollIntoView({ block: 'center' });
  }, [focus, doc !== null]);

  const draft = useDebounced(doc, 400);
  const sampleDebounced = useDebounced(sample, 400);
  useEffect(() => {
    if (!draft) return;
    let user: unknown;
    try {
      user = JSON.parse(sampleDebounced);
    } catch (e) {
      setPreviewError(`The sample user is not valid JSON: ${(e as Error).message}`);
      return;
    }
    let stale = false;
    api('POST', `/tenants/${tenant.name}/mapping/preview`, { user, mapping: draft })
      .then((r) => {
        if (stale) return;
        setPreview(r);
        setPreviewError(null);
        setProblems([...(r.mapping?.errors ?? []), ...(r.mapping?.warnings ?? []).map((w: Problem) => ({ ...w, warning: true }))]);
      })
      .catch((e) => {
        if (stale) return;
        setPreviewError(e.message);
        const errs = (e.details?.errors ?? []) as Problem[];
        if (errs.length) setProblems(errs);
      });
    return () => {
      stale = true;
    };
  }, [draft, sampleDebounced, tenant.name]);

  const dirty = useMemo(
    () => !!doc && !!current.data && JSON.stringify(doc) !== JSON.stringify(current.data.document),
    [doc, current.data],
  );
  if (current.error && !current.data) return <LoadError error={current.error} retry={current.reload} />;
  if (!doc || !current.data) return <Loading lines={8} />;

  const setRule = (i: number, r: Rule) => setDoc({ ...doc, rules: doc.rules.map((x, j) => (j === i ? r : x)) });
  const problemsOf = (i: number, r: Rule) => problems.filter((p) => p.path.startsWith(`rules[${i}]`) || (p.ruleId && p.ruleId === r.id));
  const general = problems.filter((p) => !/^rules\[\d+\]/.test(p.path) && !p.ruleId);

  const doSave = async () => {
    const r = await save.run(() => api('PUT', `/tenants/${tenant.name}/mapping`, doc, { 'if-match': `"${current.data!.version}"` }));
    const errs = (save.details as { errors?: Problem[] } | null)?.errors;
    if (errs) setProblems(errs);
    if (r) {
      toast(`Mapping saved as version ${r.version}`);
      setDoc(r.document);
      await current.reload();
    }
  };
  const doPreset = async () => {
    const r = await applyPreset.run(() => api('POST', `/tenants/${tenant.name}/mapping/preset`, { name: preset }));
    if (r) {
      toast(`Preset ${preset} saved as version ${r.version}`);
      setDoc(r.document);
      await current.reload();
    }
  };

  return (
    <Layout>
      <Layout.Section>
        <BlockStack gap="400">
          <Card>
            <InlineStack align="space-between" blockAlign="end" gap="300" wrap>
              <BlockStack gap="100">
                <Text as="h2" variant="headingMd">
                  {`Version ${current.data.version}`}
                </Text>
                <Text as="p" tone="subdued">
                  {current.data.version === 0
                    ? 'The default mapping: no version saved yet.'
                    : `Saved from ${current.data.source}${doc.preset ? ` · preset ${doc.preset}` : ''}`}
                </Text>
              </BlockStack>
              <InlineStack gap="200" blockAlign="end">
                <Select
                  label="Preset"
                  value={preset}
                  onChange={setPreset}
                  options={[
                    { label: 'Choose a preset', value: '' },
                    ...(presets.data?.presets ?? []).map((p) => ({ label: p.name, value: p.name })),
                  ]}
                  helpText={presets.data?.presets.find((p) => p.name === preset)?.description}
                />
                <Button onClick={() => void doPreset()} disabled={!preset} loading={applyPreset.busy}>
                  Apply preset
                </Button>
              </InlineStack>
            </InlineStack>
            {applyPreset.error ? (
              <Text as="p" tone="critical">
                {applyPreset.error}
              </Text>
            ) : null}
          </Card>
          {general.length ? (
            <Banner tone="critical" title="The mapping has problems">
              <ul>
                {general.map((p) => (
                  <li key={p.path + p.message}>{p.message}</li>
                ))}
              </ul>
            </Banner>
          ) : null}
          {doc.rules.map((r, i) => (
            <RuleCard
              key={i}
              rule={r}
              index={i}
              problems={problemsOf(i, r)}
              highlighted={focus === r.id}
              onChange={(x) => setRule(i, x)}
              onRemove={() => setDoc({ ...doc, rules: doc.rules.filter((_, j) => j !== i) })}
            />
          ))}
          <InlineStack gap="200" align="space-between">
            <Button
              icon={PlusIcon}
              onClick={() =>
                setDoc({
                  ...doc,
                  rules: [
                    ...doc.rules,
                    { id: `rule-${doc.rules.length + 1}`, source: '', target: { kind: 'field', field: 'note' }, transforms: [] },
                  ],
                })
              }
            >
              Add rule
            </Button>
            <InlineStack gap="200">
              <Button onClick={() => (setDoc(current.data!.document), setProblems([]))} disabled={!dirty}>
                Discard changes
              </Button>
              <Button variant="primary" onClick={() => void doSave()} loading={save.busy} disabled={!dirty}>
                Save mapping
              </Button>
            </InlineStack>
          </InlineStack>
          {save.error ? (
            <Banner tone="critical" title="The mapping was not saved">
              <p>{save.error}</p>
            </Banner>
          ) : null}
        </BlockStack>
      </Layout.Section>
      <Layout.Section variant="oneThird">
        {/* stays in view while the rules further down are edited */}
        <div className="sticky-panel">
          <Card>
            <BlockStack gap="300">
              <InlineStack align="space-between">
                <Text as="h2" variant="headingMd">
                  Preview
                </Text>
                {preview ? <Badge tone={preview.ok ? 'success' : 'critical'}>{preview.ok ? 'Accepted' : 'Refused'}</Badge> : null}
              </InlineStack>
              <Text as="p" tone="subdued" variant="bodySm">
                What the rules on the left (saved or not) make of this sample user. Nothing is sent to Shopify.
              </Text>
              <TextField
                label="Sample SCIM user"
                value={sample}
                onChange={setSample}
                multiline={8}
                maxHeight={260}
                monospaced
                autoComplete="off"
              />
              {previewError ? (
                <Banner tone="critical">
                  <p>{previewError}</p>
                </Banner>
              ) : null}
              {preview?.customer ? (
                <>
                  <Text as="h3" variant="headingSm">
                    Shopify customer
                  </Text>
                  <Code label="The customer the mapping makes" maxHeight={320}>
                    {JSON.stringify(preview.customer, null, 2)}
                  </Code>
                </>
              ) : null}
              {preview?.trace?.length ? (
                <>
                  <Text as="h3" variant="headingSm">
                    Rule by rule
                  </Text>
                  <BlockStack gap="100">
                    {preview.trace.map((t: any, i: number) => (
                      <InlineStack key={i} gap="200" wrap={false}>
                        <Badge tone={t.outcome === 'applied' ? 'success' : t.outcome === 'error' ? 'critical' : undefined}>
                          {t.outcome}
                        </Badge>
                        <Text as="span" variant="bodySm">{`${t.ruleId}${t.message ? `: ${t.message}` : ''}`}</Text>
                      </InlineStack>
                    ))}
                  </BlockStack>
                </>
              ) : null}
            </BlockStack>
          </Card>
        </div>
      </Layout.Section>
    </Layout>
  );
}

function RuleCard({
  rule,
  index,
  problems,
  highlighted,
  onChange,
  onRemove,
}: {
  rule: Rule;
  index: number;
  problems: (Problem & { warning?: boolean })[];
  highlighted: boolean;
  onChange: (r: Rule) => void;
  onRemove: () => void;
}) {
  const errs = problems.filter((p) => !p.warning);
  const warns = problems.filter((p) => p.warning);
  const sourceOptions = [
    { label: 'Choose an attribute', value: '' },
    ...SCIM_ATTRIBUTES.map((a) => ({
      label: a.replace('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:', 'enterprise: '),
      value: a,
    })),
  ];
  if (rule.source && !SCIM_ATTRIBUTES.includes(rule.source)) sourceOptions.push({ label: rule.source, value: rule.source });
  return (
    <div id={`rule-${rule.id}`}>
      <Card background={highlighted ? 'bg-surface-selected' : undefined}>
        <BlockStack gap="300">
          <InlineStack align="space-between" blockAlign="center">
            <InlineStack gap="200" blockAlign="center">
              <Text as="h3" variant="headingSm">{`Rule ${index + 1}`}</Text>
              {errs.length ? <Badge tone="critical">Problem</Badge> : null}
              {rule.direction && rule.direction !== 'toShopify' ? (
                <Badge>{rule.direction === 'both' ? 'Both ways' : 'Shopify to SCIM'}</Badge>
              ) : null}
            </InlineStack>
            <Button icon={DeleteIcon} variant="plain" tone="critical" onClick={onRemove} accessibilityLabel={`Remove rule ${rule.id}`} />
          </InlineStack>
          <InlineGrid columns={{ xs: 1, md: 3 }} gap="300">
            <TextField label="Rule id" value={rule.id} onChange={(id) => onChange({ ...rule, id })} autoComplete="off" />
            <Select
              label="SCIM attribute"
              value={rule.source ?? ''}
              onChange={(source) => onChange({ ...rule, source: source || undefined })}
              options={sourceOptions}
            />
            <Select
              label="Shopify target"
              value={targetValue(rule.target)}
              onChange={(v) => onChange({ ...rule, target: targetFrom(v, rule.target) })}
              options={TARGET_OPTIONS}
            />
          </InlineGrid>
          <TextField
            label="Attribute path"
            labelHidden
            value={rule.source ?? ''}
            onChange={(source) => onChange({ ...rule, source: source || undefined })}
            prefix="Path"
            autoComplete="off"
            monospaced
            helpText='Any SCIM path, e.g. emails[type eq "home"].value'
          />
          {rule.target.kind === 'metafield' ? (
            <InlineGrid columns={{ xs: 1, md: 3 }} gap="300">
              <TextField
                label="Namespace"
                value={rule.target.namespace}
                onChange={(namespace) => onChange({ ...rule, target: { ...(rule.target as any), namespace } })}
                autoComplete="off"
              />
              <TextField
                label="Key"
                value={rule.target.key}
                onChange={(key) => onChange({ ...rule, target: { ...(rule.target as any), key } })}
                autoComplete="off"
              />
              <Select
                label="Type"
                value={rule.target.type}
                onChange={(type) => onChange({ ...rule, target: { ...(rule.target as any), type } })}
                options={METAFIELD_TYPES}
              />
            </InlineGrid>
          ) : null}
          {rule.transforms.length ? (
            <Text
              as="p"
              variant="bodySm"
              tone="subdued"
            >{`Transforms: ${rule.transforms.map((t: any) => t.op ?? JSON.stringify(t)).join(', ')}`}</Text>
          ) : null}
          {errs.map((p) => (
            <Box key={p.path + p.message}>
              <div role="alert">
                <Text as="p" tone="critical">
                  {p.message}
                </Text>
              </div>
            </Box>
          ))}
          {warns.map((p) => (
            <Text key={p.path + p.message} as="p" tone="caution">
              {p.message}
            </Text>
          ))}
        </BlockStack>
      </Card>
      <Divider borderColor="transparent" />
    </div>
  );
}
