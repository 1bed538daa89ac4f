// The shop's API budget over the last half hour: cost points spent per 10 seconds as bars, the points left in the
// bucket as a line, throttled calls marked; an accessible summary and a table fallback for screen readers.
import { BlockStack, InlineStack, Text } from '@shopify/polaris';

export interface BudgetSlot {
  at: string;
  calls: number;
  cost: number;
  throttled: number;
  available: number | null;
  maximum: number | null;
}

export function BudgetChart({
  series,
  latest,
}: {
  series: BudgetSlot[];
  latest: { available: number; maximum: number; restoreRate: number } | null;
}) {
  const W = 720;
  const H = 160;
  const pad = 6;
  const maxCost = Math.max(10, ...series.map((s) => s.cost));
  const maxBucket = Math.max(1, latest?.maximum ?? 0, ...series.map((s) => s.maximum ?? 0));
  const bw = (W - pad * 2) / Math.max(1, series.length);
  const used = series.reduce((n, s) => n + s.cost, 0);
  const calls = series.reduce((n, s) => n + s.calls, 0);
  const throttled = series.reduce((n, s) => n + s.throttled, 0);
  const samples = series.flatMap((s, i) =>
    s.available === null ? [] : [{ x: pad + i * bw + bw / 2, y: H - pad - ((H - pad * 2) * s.available) / maxBucket, s }],
  );
  const points = samples.map((p) => `${p.x},${p.y}`).join(' ');
  const summary = `${calls} Shopify calls used ${used} cost points in the last 30 minutes${throttled ? `, ${throttled} throttled` : ''}${latest ? `; ${Math.round(latest.available)} of ${latest.maximum} points available now, restoring ${latest.restoreRate} per second` : ''}.`;
  return (
    <BlockStack gap="200">
      <Text as="p" variant="bodySm" tone="subdued">
        {summary}
      </Text>
      <svg viewBox={`0 0 ${W} ${H}`} width="100%" height={H} role="img" aria-label={summary} className="chart">
        <line x1={pad} x2={W - pad} y1={H - pad} y2={H - pad} className="chart-axis" />
        {series.map((s, i) =>
          s.cost > 0 ? (
            <rect
              key={s.at}
              x={pad + i * bw + 0.5}
              width={Math.max(1, bw - 1)}
              y={H - pad - ((H - pad * 2) * s.cost) / maxCost}
              height={((H - pad * 2) * s.cost) / maxCost}
              className={s.throttled ? 'chart-bar chart-bar-throttled' : 'chart-bar'}
            >
              <title>{`${new Date(s.at).toLocaleTimeString()}: ${s.cost} points, ${s.calls} calls${s.throttled ? `, ${s.throttled} throttled` : ''}`}</title>
            </rect>
          ) : null,
        )}
        {samples.length > 1 ? <polyline points={points} className="chart-line" fill="none" /> : null}
        {/* a sample on its own is a dot, so a quiet half hour with one call still shows where the bucket stood */}
        {samples.map((p) => (
          <circle key={p.s.at} cx={p.x} cy={p.y} r={3} className="chart-line-key">
            <title>{`${new Date(p.s.at).toLocaleTimeString()}: ${Math.round(p.s.available!)} of ${p.s.maximum ?? maxBucket} points left`}</title>
          </circle>
        ))}
      </svg>
      <InlineStack align="space-between">
        <Text as="span" variant="bodySm" tone="subdued">
          30 minutes ago
        </Text>
        <Text as="span" variant="bodySm" tone="subdued">
          {`bucket: ${maxBucket} points · bars: up to ${maxCost} points per 10 s`}
        </Text>
        <Text as="span" variant="bodySm" tone="subdued">
          now
        </Text>
      </InlineStack>
      <InlineStack gap="400">
        <Legend className="chart-bar" label="Cost points spent (per 10 s)" />
        <Legend className="chart-line-key" label="Points left in the bucket" />
        <Legend className="chart-bar-throttled" label="Throttled" />
      </InlineStack>
    </BlockStack>
  );
}

function Legend({ className, label }: { className: string; label: string }) {
  return (
    <InlineStack gap="100" blockAlign="center">
      <svg width="14" height="10" aria-hidden="true">
        <rect width="14" height="10" className={className} />
      </svg>
      <Text as="span" variant="bodySm">
        {label}
      </Text>
    </InlineStack>
  );
}
