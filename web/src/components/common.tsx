// Small pieces every page uses: a value with a copy button, sync and job state badges, times, a code block, a
// loading card, an error banner, an empty state without pictures, and what a live page says when it is not live.
import { useState, type ReactNode } from 'react';
import { Badge, Banner, BlockStack, Box, Button, Card, InlineStack, SkeletonBodyText, Text, TextField } from '@shopify/polaris';
import type { LiveState } from '../hooks';

/** A read-only value (a URL, a token) with a button that copies it. */
export function CopyField({
  label,
  value,
  monospace = true,
  helpText,
}: {
  label: string;
  value: string;
  monospace?: boolean;
  helpText?: ReactNode;
}) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
    } catch {
      // Clipboard refused (http on another host): select the text so the user can copy it by hand.
      const el = document.getElementById(idOf(label)) as HTMLInputElement | null;
      el?.select();
    }
    setCopied(true);
    setTimeout(() => setCopied(false), 2000);
  };
  return (
    <TextField
      id={idOf(label)}
      label={label}
      value={value}
      readOnly
      autoComplete="off"
      monospaced={monospace}
      helpText={helpText}
      onFocus={() => (document.getElementById(idOf(label)) as HTMLInputElement | null)?.select()}
      connectedRight={
        <Button onClick={copy} accessibilityLabel={`Copy ${label}`}>
          {copied ? 'Copied' : 'Copy'}
        </Button>
      }
    />
  );
}

const idOf = (label: string) => `copy-${label.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;

/** A user's Shopify sync state. */
export function SyncBadge({ state }: { state: string | null | undefined }) {
  if (state === 'synced') return <Badge tone="success">Synced</Badge>;
  if (state === 'failed') return <Badge tone="critical">Failed</Badge>;
  if (state === 'pending') return <Badge tone="attention">Pending</Badge>;
  return <Badge>Not linked</Badge>;
}

/** An operation's outcome in the activity log. */
export function OutcomeBadge({ outcome }: { outcome: string }) {
  const tone = ({ ok: 'success', failed: 'critical', retrying: 'warning', pending: 'attention' } as const)[outcome as 'ok'];
  const label = ({ ok: 'OK', failed: 'Failed', retrying: 'Retrying', pending: 'Pending' } as Record<string, string>)[outcome] ?? outcome;
  return <Badge tone={tone}>{label}</Badge>;
}

/** A job's state. */
export function JobBadge({ state, attempts }: { state: string; attempts?: number }) {
  if (state === 'dead') return <Badge tone="critical">Dead letter</Badge>;
  if (state === 'running') return <Badge tone="info">Running</Badge>;
  if (state === 'queued') return <Badge tone={attempts ? 'warning' : 'attention'}>{attempts ? `Retrying (${attempts})` : 'Queued'}</Badge>;
  if (state === 'done') return <Badge tone="success">Done</Badge>;
  if (state === 'coalesced') return <Badge>Merged</Badge>;
  return <Badge>{state}</Badge>;
}

/** A moment as the reader's local time, with the ISO time as its tooltip. */
export function Time({ at }: { at: string | null | undefined }) {
  if (!at)
    return (
      <Text as="span" tone="subdued">
        —
      </Text>
    );
  const d = new Date(at);
  return (
    <time dateTime={at} title={at}>
      {ago(d)}
    </time>
  );
}

export function ago(d: Date): string {
  const s = Math.round((Date.now() - d.getTime()) / 1000);
  if (s < 5) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return d.toLocaleString();
}

/** Preformatted JSON or text, scrollable, labelled for screen readers. */
export function Code({ children, label, maxHeight = 420 }: { children: string; label: string; maxHeight?: number }) {
  return (
    <pre className="code" aria-label={label} tabIndex={0} style={{ maxHeight }}>
      {children}
    </pre>
  );
}

export function Loading({ lines = 4 }: { lines?: number }) {
  return (
    <Card>
      <SkeletonBodyText lines={lines} />
    </Card>
  );
}

/** A failed load, in words, with a way to try again. */
export function LoadError({ error, retry }: { error: string; retry?: () => void }) {
  return (
    <Banner tone="critical" title="This could not be loaded" action={retry ? { content: 'Try again', onAction: retry } : undefined}>
      <p>{error}</p>
    </Banner>
  );
}

/** What a list shows when it has nothing, and what to do about it. */
export function Empty({ heading, children, action }: { heading: string; children?: ReactNode; action?: ReactNode }) {
  return (
    <Box padding="800">
      <BlockStack gap="200" inlineAlign="center">
        <Text as="h3" variant="headingMd" alignment="center">
          {heading}
        </Text>
        {children ? (
          <Text as="p" tone="subdued" alignment="center">
            {children}
          </Text>
        ) : null}
        {action ? <InlineStack align="center">{action}</InlineStack> : null}
      </BlockStack>
    </Box>
  );
}

/** A labelled number for the dashboard. */
export function Figure({
  label,
  value,
  tone,
  children,
}: {
  label: string;
  value: number | string;
  tone?: 'critical' | 'success' | 'caution';
  children?: ReactNode;
}) {
  return (
    <section aria-label={label}>
      <BlockStack gap="100">
        <Text as="h3" variant="bodySm" tone="subdued">
          {label}
        </Text>
        <Text as="p" variant="heading2xl" tone={tone}>
          {value}
        </Text>
        {children}
      </BlockStack>
    </section>
  );
}

/**
 * Why a live page is not live, above its content: a failed refresh (with the time of the figures still shown) or an
 * interrupted stream. Nothing when all is well.
 */
export function LiveNotice({
  error,
  updatedAt,
  state,
  retry,
}: {
  error: string | null;
  updatedAt: Date | null;
  state?: LiveState;
  retry: () => void;
}) {
  if (error)
    return (
      <Banner tone="warning" title="Live updates stopped" action={{ content: 'Try again', onAction: retry }}>
        <p>{`${error} ${updatedAt ? `What you see is from ${updatedAt.toLocaleTimeString()}; ` : ''}the page keeps trying every few seconds.`}</p>
      </Banner>
    );
  if (state === 'reconnecting' || state === 'offline')
    return (
      <Banner tone="info" title="Reconnecting to live updates">
        <p>The connection to the bridge dropped. Until it is back, this page refreshes every few seconds.</p>
      </Banner>
    );
  return null;
}

/** The small line under a live list: live, paused while hidden, or refreshing by polling. */
export function LiveBadge({ state, pollSeconds }: { state: LiveState | 'polling'; pollSeconds: number }) {
  if (state === 'paused') return null;
  const live = state === 'live';
  return (
    <Text as="p" alignment="center" tone="subdued" variant="bodySm">
      <Badge tone={live ? 'success' : 'attention'}>{live ? 'Live' : 'Refreshing'}</Badge>{' '}
      {live ? 'New activity appears as it happens.' : `This page refreshes every ${pollSeconds} seconds.`}
    </Text>
  );
}
