// Data hooks of the admin UI: a GET that reloads on demand and, for live pages, every few seconds (polling pauses
// while the tab is hidden), and a write helper that tracks its busy state and error.
import { useCallback, useEffect, useRef, useState } from 'react';
import { api, messageOf } from './api';

export interface Resource<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  reload: () => Promise<void>;
}

/** GET `path` (below /admin/api); null waits. With `pollMs` it refreshes while the page is visible. */
export function useApi<T = any>(path: string | null, opts: { pollMs?: number } = {}): Resource<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(path !== null);
  const current = useRef(path);
  current.current = path;

  const reload = useCallback(async () => {
    if (path === null) return;
    try {
      const d = await api<T>('GET', path);
      if (current.current === path) {
        setData(d);
        setError(null);
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
    if (!opts.pollMs || path === null) return;
    const id = setInterval(() => {
      if (document.visibilityState === 'visible') void reload();
    }, opts.pollMs);
    return () => clearInterval(id);
  }, [path, opts.pollMs, reload]);

  return { data, error, loading, reload };
}

/** Runs writes: `run` resolves to the answer, or undefined after recording the error to show. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [details, setDetails] = useState<unknown>(null);
  const run = useCallback(async <T,>(fn: () => Promise<T>): Promise<T | undefined> => {
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
