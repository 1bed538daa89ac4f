// The store's jobs: what is queued or running now, and the dead letters with their reasons, each to retry (once the
// cause is fixed) or discard.
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { BlockStack, Button, ButtonGroup, Card, IndexTable, Link, Modal, Page, Tabs, Text } from '@shopify/polaris';
import { api } from '../api';
import { useAction, useApi } from '../hooks';
import { useApp, useTenant } from '../App';
import { Empty, JobBadge, LoadError, Time } from '../components/common';

interface Job {
  id: number;
  queue: string;
  kind: string;
  key: string;
  state: string;
  attempts: number;
  lastErrorCode: string | null;
  lastError: string | null;
  createdAt: string;
  finishedAt: string | null;
  runAfter: string;
  userId: string | null;
  userName: string | null;
}

export function Jobs() {
  const tenant = useTenant();
  const { toast } = useApp();
  const [params, setParams] = useSearchParams();
  const dead = params.get('tab') === 'dead';
  const list = useApi<{ jobs: Job[] }>(`/tenants/${tenant.name}/jobs?state=${dead ? 'dead' : ''}&limit=100`, { pollMs: 3000 });
  const action = useAction();
  const [confirm, setConfirm] = useState<Job | 'all' | null>(null);
  const retry = async (id?: number) => {
    const r = await action.run(() =>
      api<{ retried: number }>('POST', `/tenants/${tenant.name}/jobs/dead/${id === undefined ? '' : `${id}/`}retry`),
    );
    if (r) toast(r.retried === 1 ? 'The job is queued again' : `${r.retried} jobs are queued again`);
    setConfirm(null);
    await list.reload();
  };
  const discard = async (id: number) => {
    if (await action.run(() => api('DELETE', `/tenants/${tenant.name}/jobs/dead/${id}`))) toast('The dead letter was discarded');
    setConfirm(null);
    await list.reload();
  };
  const jobs = list.data?.jobs ?? [];
  return (
    <Page
      title="Jobs"
      subtitle="Changes on their way to Shopify and to outbound targets"
      primaryAction={dead && jobs.length ? { content: 'Retry all', onAction: () => setConfirm('all') } : undefined}
    >
      <BlockStack gap="400">
        {action.error ? <LoadError error={action.error} /> : null}
        {list.error ? <LoadError error={list.error} retry={list.reload} /> : null}
        <Card padding="0">
          <Tabs
            tabs={[
              { id: 'active', content: 'Queued and running', panelID: 'jobs-panel' },
              { id: 'dead', content: 'Dead letters', panelID: 'jobs-panel' },
            ]}
            selected={dead ? 1 : 0}
            onSelect={(i) => setParams(i === 1 ? { tab: 'dead' } : {}, { replace: true })}
          />
          <div id="jobs-panel">
            {list.data && jobs.length === 0 ? (
              <Empty heading={dead ? 'No dead letters' : 'Nothing queued'}>
                {dead
                  ? 'Jobs that keep failing land here, with the reason, to retry once the cause is fixed.'
                  : 'Every change has reached Shopify.'}
              </Empty>
            ) : (
              <IndexTable
                resourceName={{ singular: 'job', plural: 'jobs' }}
                itemCount={jobs.length}
                selectable={false}
                headings={
                  dead
                    ? [
                        { title: 'Job' },
                        { title: 'About' },
                        { title: 'Attempts' },
                        { title: 'Reason' },
                        { title: 'Died' },
                        { title: 'Actions' },
                      ]
                    : [
                        { title: 'Job' },
                        { title: 'About' },
                        { title: 'State' },
                        { title: 'Queued' },
                        { title: 'Next attempt' },
                        { title: 'Last error' },
                      ]
                }
              >
                {jobs.map((j, i) => (
                  <IndexTable.Row id={String(j.id)} key={j.id} position={i}>
                    <IndexTable.Cell>
                      <BlockStack gap="050">
                        <Text as="span" fontWeight="semibold">{`#${j.id}`}</Text>
                        <Text as="span" variant="bodySm" tone="subdued">
                          {`${j.kind}${j.queue !== 'shopify' ? ` · ${j.queue}` : ''}`}
                        </Text>
                      </BlockStack>
                    </IndexTable.Cell>
                    <IndexTable.Cell>
                      {j.userId ? <Link url={`/stores/${tenant.name}/users/${j.userId}`}>{j.userName ?? 'deleted user'}</Link> : j.key}
                    </IndexTable.Cell>
                    {dead ? (
                      <>
                        <IndexTable.Cell>{j.attempts}</IndexTable.Cell>
                        <IndexTable.Cell>
                          <div className="cell-wrap">
                            <Text as="span" tone="critical" fontWeight="semibold">
                              {j.lastErrorCode ?? ''}
                            </Text>{' '}
                            <Text as="span" variant="bodySm">
                              {j.lastError ?? ''}
                            </Text>
                          </div>
                        </IndexTable.Cell>
                        <IndexTable.Cell>
                          <Time at={j.finishedAt} />
                        </IndexTable.Cell>
                        <IndexTable.Cell>
                          <ButtonGroup>
                            <Button
                              size="slim"
                              onClick={() => void retry(j.id)}
                              loading={action.busy}
                              accessibilityLabel={`Retry job ${j.id}`}
                            >
                              Retry
                            </Button>
                            <Button
                              size="slim"
                              tone="critical"
                              variant="plain"
                              onClick={() => setConfirm(j)}
                              accessibilityLabel={`Discard job ${j.id}`}
                            >
                              Discard
                            </Button>
                          </ButtonGroup>
                        </IndexTable.Cell>
                      </>
                    ) : (
                      <>
                        <IndexTable.Cell>
                          <JobBadge state={j.state} attempts={j.attempts} />
                        </IndexTable.Cell>
                        <IndexTable.Cell>
                          <Time at={j.createdAt} />
                        </IndexTable.Cell>
                        <IndexTable.Cell>{j.state === 'queued' && j.attempts > 0 ? <Time at={j.runAfter} /> : '—'}</IndexTable.Cell>
                        <IndexTable.Cell>
                          <div className="cell-wrap">{j.lastErrorCode ? `${j.lastErrorCode}: ${j.lastError ?? ''}` : '—'}</div>
                        </IndexTable.Cell>
                      </>
                    )}
                  </IndexTable.Row>
                ))}
              </IndexTable>
            )}
          </div>
        </Card>
      </BlockStack>
      <Modal
        open={confirm !== null}
        onClose={() => setConfirm(null)}
        title={confirm === 'all' ? 'Retry every dead letter?' : 'Discard this dead letter?'}
        primaryAction={
          confirm === 'all'
            ? { content: 'Retry all', onAction: () => void retry(), loading: action.busy }
            : {
                content: 'Discard',
                destructive: true,
                onAction: () => typeof confirm === 'object' && confirm && void discard(confirm.id),
                loading: action.busy,
              }
        }
        secondaryActions={[{ content: 'Cancel', onAction: () => setConfirm(null) }]}
      >
        <Modal.Section>
          <Text as="p">
            {confirm === 'all'
              ? 'Each job is queued again with a fresh set of attempts. Fix the cause first, or they will fail again.'
              : 'The change it carried will not reach its destination. The user keeps its current sync state; a later change, or "Sync now" on the user, tries again.'}
          </Text>
        </Modal.Section>
      </Modal>
    </Page>
  );
}
