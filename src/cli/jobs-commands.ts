// `shopify-scim jobs …`: a tenant's dead-lettered jobs listed and put back in the queue from the command line, through
// the same operations and checks as the admin API. A running bridge's worker picks retried jobs up at its next poll.
import { Command } from 'commander';
import { adminErrors } from '../admin/errors.js';
import { requireTenant } from '../admin/context.js';
import { adminCommandKit, type AdminCommandOptions } from './admin-session.js';
import { listDeadJobs, positiveInt, retryDeadJobs, type DeadJobView } from '../admin/jobs.js';

export type JobsCommandOptions = AdminCommandOptions;

/** One line per job: id, when it died, kind, key, attempts, the error. */
export function formatDead(jobs: DeadJobView[]): string {
  return jobs
    .map((j) => `${j.id}\t${j.deadAt}\t${j.kind}\t${j.key}\t${j.attempts} attempt(s)\t${j.lastErrorCode ?? '-'}: ${j.lastError ?? ''}`)
    .join('\n');
}

/** Builds the `jobs` command (`dead`, `retry`). */
export function jobsCommand(opts: JobsCommandOptions = {}): Command {
  const { print, run } = adminCommandKit(opts);

  const jobs = new Command('jobs').description("a tenant's dead-lettered sync jobs: list them, retry them once the cause is fixed");
  jobs
    .command('dead')
    .description('list the dead-lettered jobs, newest first (kind, key, attempts, last error, when)')
    .requiredOption('--tenant <name>', 'tenant name')
    .option('--limit <n>', 'jobs per page (1-500)', '50')
    .option('--before <id>', 'the page of jobs older than this id (as "next" names it)')
    .option('--queue <name>', 'only this queue: shopify, or target:<id>')
    .option('--json', 'print JSON')
    .action((o: { tenant: string; limit: string; before?: string; queue?: string; json?: boolean }) =>
      run(o.json, async (deps) => {
        const page = await listDeadJobs(deps, await requireTenant(deps, o.tenant), { limit: o.limit, before: o.before, queue: o.queue });
        if (o.json) return print(JSON.stringify(page));
        if (!page.jobs.length) return print(page.total ? 'no dead-lettered jobs on this page' : 'no dead-lettered jobs');
        print(formatDead(page.jobs));
        print(
          `${page.jobs.length} of ${page.total} dead-lettered job(s)${page.nextBefore !== null ? `; next page: --before ${page.nextBefore}` : ''}`,
        );
      })(),
    );
  jobs
    .command('retry')
    .description('put dead-lettered jobs back in the queue with a fresh attempt budget: one (--id) or all (--all)')
    .requiredOption('--tenant <name>', 'tenant name')
    .option('--id <n>', 'the job to retry')
    .option('--all', 'retry every dead-lettered job of the tenant')
    .option('--json', 'print JSON')
    .action((o: { tenant: string; id?: string; all?: boolean; json?: boolean }) =>
      run(o.json, async (deps) => {
        if (!!o.id === !!o.all) throw adminErrors.badRequest('name one job with --id <n>, or all of them with --all');
        const id = o.id === undefined ? undefined : positiveInt('--id', o.id)!;
        const r = await retryDeadJobs(deps, await requireTenant(deps, o.tenant), id === undefined ? undefined : [id]);
        print(
          o.json ? JSON.stringify(r) : r.retried ? `requeued ${r.retried} job(s): ${r.ids.join(', ')}` : 'no dead-lettered jobs to retry',
        );
      })(),
    );
  return jobs;
}
