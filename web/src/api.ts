// The admin UI's only door to the bridge: JSON calls to /admin/api with the session cookie, the session's CSRF token
// on every write, and errors turned into ApiError with the server's own sentence (never a stack trace).
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly retryAfter?: string | null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;
const unauthorizedListeners = new Set<() => void>();

/** The CSRF token the next writes carry (from GET /session or a sign-in answer). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when the server says the session is gone, so the app can show the sign-in page. */
export function onUnauthorized(fn: () => void): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

export const API = '/admin/api';

/** One call; `path` is below /admin/api. */
export async function api<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  let res: Response;
  try {
    res = await fetch(API + path, {
      method,
      credentials: 'same-origin',
      headers: {
        accept: 'application/json',
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(method !== 'GET' && csrfToken ? { 'x-csrf-token': csrfToken } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The bridge cannot be reached. Check that it is running, then try again.');
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (!res.ok) {
    const code = typeof json?.error === 'string' ? json.error : `HTTP_${res.status}`;
    const message = typeof json?.message === 'string' ? json.message : `The bridge answered HTTP ${res.status}.`;
    if (res.status === 401 && !path.startsWith('/session') && !path.startsWith('/setup')) unauthorizedListeners.forEach((fn) => fn());
    throw new ApiError(res.status, code, message, json?.details, res.headers.get('retry-after'));
  }
  return json as T;
}

/** A query string from the values that are set. */
export function qs(params: Record<string, string | number | undefined | null | false>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '' && v !== false) p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** An error as one sentence for a banner. */
export function messageOf(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  return 'Something went wrong. Try again; if it keeps happening, the bridge log says more.';
}
