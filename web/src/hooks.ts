// Data hooks of the admin UI: a GET that reloads on demand and, for live pages, every few seconds (nothing is asked
// while the tab is hidden), the tenant's live activity stream, and a write helper that tracks its busy state and error.
import { useCallback, useEffect, useRef, useState } from 'react';
import { API, api, messageOf } from './api';

export interface Resource<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  /** when the data was last read successfully */
  updatedAt: Date | null;
  reload: () => Promise<void>;
}

/** Whether the page is on screen: live pages stop asking while their tab is hidden. */
export function usePageVisible(): boolean {
  const [visible, setVisible] = useState(() => document.visibilityState === 'visible');
  useEffect(() => {
    const on = () => setVisible(document.visibilityState === 'visible');
    document.addEventListener('visibilitychange', on);
    return () => document.removeEventListener('visibilitychange', on);
  }, []);
  return visible;
}

/**
 * GET `path` (below /admin/api); null waits. With `pollMs` it refreshes while the page is visible: a hidden tab asks
 * nothing, and coming back reloads at once.
 */
export function useApi<T = any>(path: string | null, opts: { pollMs?: number } = {}): Resource<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(path !== null);
  const [updatedAt, setUpdatedAt] = useState<Date | null>(null);
  const visible = usePageVisible();
  const current = useRef(path);
  current.current = path;

  const reload = useCallback(async () => {
    if (path === null) return;
    try {
      const d = await api<T>('GET', path);
      if (current.current === path) {
        setData(d);
        setError(null);
        setUpdatedAt(new Date());
      }
    } catch (e) {
      if (current.current === path) setError(messageOf(e));
    } finally {
      if (current.current === path) setLoading(false);
    }
  }, [path]);

  useEffect(() => {
    setLoading(path !== null);
    void reload();
  }, [path, reload]);

  useEffect(() => {
    if (!opts.pollMs || path === null || !visible) return;
    const id = setInterval(() => void reload(), opts.pollMs);
    return () => clearInterval(id);
  }, [path, opts.pollMs, reload, visible]);

  // back on screen after a while: show what changed meanwhile without waiting for the next tick
  const wasVisible = useRef(visible);
  useEffect(() => {
    if (visible && !wasVisible.current && opts.pollMs) void reload();
    wasVisible.current = visible;
  }, [visible, opts.pollMs, reload]);

  return { data, error, loading, updatedAt, reload };
}

export type LiveState = 'connecting' | 'live' | 'reconnecting' | 'offline' | 'paused';

/**
 * The tenant's live activity stream (server-sent events): calls `onChange` when the log grows, and once more on each
 * (re)connection, since something may have happened while it was away. Closed while the tab is hidden or `enabled`
 * is false. EventSource reconnects by itself after a dropped connection (`reconnecting`); a refused one (`offline`:
 * signed out, the bridge down) is tried again every 10 seconds, while the page refreshes by polling.
 */
export function useLiveActivity(tenant: string, onChange: () => void, enabled = true): LiveState {
  const visible = usePageVisible();
  const [state, setState] = useState<LiveState>('connecting');
  const [attempt, setAttempt] = useState(0);
  const changed = useRef(onChange);
  changed.current = onChange;
  useEffect(() => {
    if (!enabled || !visible || typeof EventSource === 'undefined') {
      setState('paused');
      return;
    }
    setState('connecting');
    const es = new EventSource(`${API}/tenants/${encodeURIComponent(tenant)}/events`, { withCredentials: true });
    let retry: ReturnType<typeof setTimeout> | undefined;
    es.addEventListener('ready', () => {
      setState('live');
      changed.current();
    });
    es.addEventListener('activity', () => changed.current());
    es.onerror = () => {
      if (es.readyState !== EventSource.CLOSED) return setState('reconnecting');
      setState('offline');
      retry = setTimeout(() => setAttempt((n) => n + 1), 10_000);
    };
    return () => {
      clearTimeout(retry);
      es.close();
    };
  }, [tenant, enabled, visible, attempt]);
  return state;
}

/** Runs writes: `run` resolves to the answer, or undefined after recording the error to show. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [details, setDetails] = useState<unknown>(null);
  const run = useCallback(async <T>(fn: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    setDetails(null);
    try {
      return await fn();
    } catch (e) {
      setError(messageOf(e));
      setDetails((e as { details?: unknown }).details ?? null);
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, details, run, clear: () => (setError(null), setDetails(null)) };
}

/** `value`, once it stopped changing for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}
