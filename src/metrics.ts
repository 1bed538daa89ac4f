// Prometheus metrics of one process: one registry with the counters and histograms every layer reports into.
// Layers receive this object (never the global registry), so tests can read their own numbers.
import { Registry, Counter, Histogram, Gauge, collectDefaultMetrics } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'scim_http_requests_total',
    help: 'HTTP requests by route, method and status',
    labelNames: ['route', 'method', 'status'],
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'scim_http_request_duration_seconds',
    help: 'HTTP request duration by route and method',
    labelNames: ['route', 'method'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly syncJobs = new Counter({
    name: 'scim_sync_jobs_total',
    help: 'Shopify sync jobs finished, by kind and outcome',
    labelNames: ['kind', 'outcome'],
    registers: [this.registry],
  });
  readonly syncQueue = new Gauge({
    name: 'scim_sync_queue_depth',
    help: 'Sync jobs waiting, by state',
    labelNames: ['state'],
    registers: [this.registry],
  });
  readonly syncUsers = new Gauge({
    name: 'scim_sync_users',
    help: 'Users by Shopify sync state (pending, synced, failed), per tenant; read from the database at each scrape',
    labelNames: ['tenant', 'state'],
    registers: [this.registry],
  });
  readonly shopifyCalls = new Counter({
    name: 'scim_shopify_calls_total',
    help: 'Shopify Admin API calls by outcome',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  readonly shopifyCost = new Counter({
    name: 'scim_shopify_cost_points_total',
    help: 'Shopify query cost points actually spent',
    registers: [this.registry],
  });
  readonly shopifyThrottleWaits = new Counter({
    name: 'scim_shopify_throttle_waits_total',
    help: 'Shopify calls that waited for the cost bucket before they were sent',
    registers: [this.registry],
  });
  readonly shopifyThrottleWaitSeconds = new Counter({
    name: 'scim_shopify_throttle_wait_seconds_total',
    help: 'Time Shopify calls spent waiting for the cost bucket',
    registers: [this.registry],
  });
  readonly shopifyThrottled = new Counter({
    name: 'scim_shopify_throttled_total',
    help: 'THROTTLED answers from Shopify (each retried after the bucket refills)',
    registers: [this.registry],
  });
  readonly shopifyBucketAvailable = new Gauge({
    name: 'scim_shopify_cost_available_points',
    help: "Points left in the shop's cost bucket, per Shopify's last answer",
    labelNames: ['shop'],
    registers: [this.registry],
  });
  readonly webhookVerificationFailures = new Counter({
    name: 'scim_webhook_verification_failures_total',
    help: 'Shopify webhook deliveries refused because their signature (or tenant, or shop) did not verify',
    registers: [this.registry],
  });
  readonly bulkCreatedCustomers = new Counter({
    name: 'scim_shopify_bulk_created_customers_total',
    help: 'Shopify customers created by bulk mutations (large provisioning batches)',
    registers: [this.registry],
  });

  constructor(opts: { defaults?: boolean } = {}) {
    if (opts.defaults) collectDefaultMetrics({ register: this.registry });
  }
}
