import { apiClient, type Answer, type CallOptions } from '../../scripts/local/api-client';
import { apiUrl } from './env';
import type { TokenPair } from '../../lib/identity/tokens';

export type { Answer } from '../../scripts/local/api-client';

const callTimeoutMs = 15_000;

/**
 * Calls the API under test as a client would, through the one client the tooling shares. `json` is serialized;
 * `raw` is sent as it is (for malformed bodies); `token` becomes an `Authorization: Bearer` header.
 */
export function call(method: string, path: string, options: CallOptions = {}): Promise<Answer> {
  return apiClient(apiUrl(), callTimeoutMs)(method, path, options);
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

/** What login and refresh answer. */
export type { TokenPair };

/** Logs in through the API (with a TOTP code, for a user with MFA) and returns the whole pair: access and refresh token. */
export async function loginPair(email: string, password: string, totp?: string): Promise<TokenPair> {
  const answer = await call('POST', '/api/v1/users/login', { json: { email, password, ...(totp === undefined ? {} : { totp }) } });
  expect(answer.status).toBe(200);
  return answer.body as TokenPair;
}

/** Logs in through the API (with a TOTP code, for a user with MFA) and returns the access token. */
export async function loginUser(email: string, password: string, totp?: string): Promise<string> {
  return (await loginPair(email, password, totp)).accessToken;
}
