import { apiUrl } from './env';

/** What one call to the API answered. `body` is the parsed JSON, or `undefined` when the body is not JSON. */
export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  // Tests read arbitrary JSON answers, so the body is left untyped on purpose.
  body: any;
}

const callTimeoutMs = 15_000;

/**
 * Calls the API under test as a client would. `json` is serialized; `raw` is sent as it is (for malformed bodies);
 * `token` becomes an `Authorization: Bearer` header.
 */
export async function call(
  method: string,
  path: string,
  options: { json?: unknown; raw?: string; token?: string; headers?: Record<string, string> } = {},
): Promise<Answer> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.json !== undefined || options.raw !== undefined) headers['content-type'] ??= 'application/json';
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const response = await fetch(`${apiUrl()}${path}`, {
    method,
    headers,
    body: options.raw ?? (options.json === undefined ? undefined : JSON.stringify(options.json)),
    signal: AbortSignal.timeout(callTimeoutMs),
  });
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: response.status, headers: response.headers, text, body };
}

/** Asserts an RFC 9457 problem answer with this status and stable code. */
export function expectProblem(answer: Answer, status: number, code: string): void {
  expect({ status: answer.status, code: answer.body?.code }).toEqual({ status, code });
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(answer.body).toMatchObject({ type: `/problems/${code}`, status, code });
  expect(typeof answer.body.title).toBe('string');
  expect(typeof answer.body.detail).toBe('string');
}

/** Registers a user through the API and returns what it answered along with the credentials. */
export async function registerUser(email: string, password: string, name?: string) {
  const answer = await call('POST', '/api/v1/users/register', { json: { email, password, ...(name ? { name } : {}) } });
  expect(answer.status).toBe(201);
  return answer.body as { id: string; email: string; name: string | null; role: string; createdAt: string };
}

/** Logs in through the API and returns the access token. */
export async function loginUser(email: string, password: string): Promise<string> {
  const answer = await call('POST', '/api/v1/users/login', { json: { email, password } });
  expect(answer.status).toBe(200);
  return answer.body.accessToken as string;
}
