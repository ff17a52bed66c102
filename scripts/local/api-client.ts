/**
 * The one HTTP client of the tooling and the tests: `npm run smoke`, the soak's crash run, and the tests' `call`
 * and drivers all reach the API through it, as a client would (fetch, JSON in and out, a bearer token).
 */

/** What one call to the API answered. `body` is the parsed JSON, or `undefined` when the body is not JSON. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  // Callers check arbitrary JSON answers field by field, so the body is left untyped on purpose.
  body: any;
}

/**
 * What to send. `json` is serialized; `raw` is sent as it is (for malformed bodies); `token` becomes an
 * `Authorization: Bearer` header.
 */
export interface CallOptions {
  json?: unknown;
  raw?: string;
  token?: string;
  headers?: Record<string, string>;
}

/** Calls one API: `call('POST', '/v1/transfers', { token, json })`. */
export type ApiCall = (method: string, path: string, options?: CallOptions) => Promise<Answer>;

/** A client for the API at `baseUrl`; no call may take longer than `timeoutMs`. */
export function apiClient(baseUrl: string, timeoutMs: number): ApiCall {
  const base = baseUrl.replace(/\/+$/, '');
  return async (method, path, options = {}) => {
    const headers: Record<string, string> = { ...options.headers };
    if (options.json !== undefined || options.raw !== undefined) headers['content-type'] ??= 'application/json';
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    const response = await fetch(`${base}${path}`, {
      method,
      headers,
      body: options.raw ?? (options.json === undefined ? undefined : JSON.stringify(options.json)),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, body: parseJson(text) };
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
