// The request id of the work in progress, carried through async calls (AsyncLocalStorage): the HTTP layer opens it
// for each request, the outbox stores it with the jobs a request queues, the worker reopens it while the job runs,
// and the Shopify connections log it with every call, so one id leads from a SCIM request to the Shopify calls it
// caused, in another process or hours later.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestContext {
  requestId?: string;
  jobId?: number;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` with `ctx` as the current context (for everything it calls, awaited or not). */
export function withRequestContext<T>(ctx: RequestContext, fn: () => T): T {
  return storage.run(ctx, fn);
}

/** The request id of the current request or job, if any. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

/** The current context's fields for a log line: { requestId, jobId } (only those set). */
export function requestLogFields(): RequestContext {
  const c = storage.getStore();
  if (!c) return {};
  return { ...(c.requestId ? { requestId: c.requestId } : {}), ...(c.jobId !== undefined ? { jobId: c.jobId } : {}) };
}
