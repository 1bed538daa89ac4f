// The admin API, read from its OpenAPI description (/admin/api/openapi.json): every operation grouped by area, with
// how to authenticate from a script.
import { Badge, BlockStack, Card, IndexTable, InlineStack, Link, Page, Text } from '@shopify/polaris';
import { useApi } from '../hooks';
import { Code, LoadError, Loading } from '../components/common';

export function ApiDocs() {
  const doc = useApi<any>('/openapi.json');
  if (doc.error)
    return (
      <Page title="Admin API">
        <LoadError error={doc.error} retry={doc.reload} />
      </Page>
    );
  if (!doc.data)
    return (
      <Page title="Admin API">
        <Loading />
      </Page>
    );
  const ops: { method: string; path: string; tag: string; summary: string; query: string[] }[] = [];
  for (const [path, methods] of Object.entries<any>(doc.data.paths))
    for (const [method, op] of Object.entries<any>(methods))
      ops.push({
        method,
        path,
        tag: op.tags?.[0] ?? '',
        summary: op.summary,
        query: (op.parameters ?? []).filter((p: any) => p.in === 'query').map((p: any) => p.name),
      });
  const tags = [...new Set(ops.map((o) => o.tag))];
  const server = doc.data.servers?.[0]?.url ?? '/admin/api';
  return (
    <Page
      title="Admin API"
      subtitle="What this UI uses, for scripts and other tools"
      secondaryActions={[{ content: 'OpenAPI document', url: '/admin/api/openapi.json' }]}
    >
      <BlockStack gap="400">
        <Card>
          <BlockStack gap="200">
            <Text as="p">{doc.data.info.description}</Text>
            <Code label="Example">{`curl -H "Authorization: Bearer $ADMIN_TOKEN" ${server}/tenants`}</Code>
            <Text as="p" tone="subdued">
              Every endpoint and field is described in <Link url="/admin/api/openapi.json">openapi.json</Link> and in docs/admin-api.md of
              the package.
            </Text>
          </BlockStack>
        </Card>
        {tags.map((tag) => (
          <Card key={tag} padding="0">
            <div style={{ padding: 'var(--p-space-400)' }}>
              <Text as="h2" variant="headingMd">
                {tag}
              </Text>
            </div>
            <IndexTable
              resourceName={{ singular: 'operation', plural: 'operations' }}
              itemCount={ops.filter((o) => o.tag === tag).length}
              selectable={false}
              headings={[{ title: 'Method' }, { title: 'Path' }, { title: 'What it does' }]}
            >
              {ops
                .filter((o) => o.tag === tag)
                .map((o, i) => (
                  <IndexTable.Row id={o.method + o.path} key={o.method + o.path} position={i}>
                    <IndexTable.Cell>
                      <Badge tone={o.method === 'get' ? 'info' : o.method === 'delete' ? 'critical' : 'success'}>
                        {o.method.toUpperCase()}
                      </Badge>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <code className="inline-code">{o.path}</code>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      <div className="cell-wrap">
                        <InlineStack gap="100">
                          <Text as="span">{o.summary}</Text>
                          {o.query.length ? <Text as="span" tone="subdued" variant="bodySm">{`(${o.query.join(', ')})`}</Text> : null}
                        </InlineStack>
                      </div>
                    </IndexTable.Cell>
                  </IndexTable.Row>
                ))}
            </IndexTable>
          </Card>
        ))}
      </BlockStack>
    </Page>
  );
}
