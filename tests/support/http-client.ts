import { randomUUID } from 'node:crypto';
import { ensureAdmin } from '../../lib/identity/users';

/** The API under test; the test command starts it and passes its address. */
export const apiUrl = process.env.API_URL ?? 'http://127.0.0.1:3000';

/** A response with its parsed JSON body. */
export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** Calls the API as a client would. */
export async function call<T = any>(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const response = await fetch(`${apiUrl}${path}`, {
    method,
    headers: {
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/** Registers a fresh user over HTTP and logs in; returns its id and token. */
export async function signUp(): Promise<{ id: string; email: string; token: string }> {
  const email = `user-${randomUUID()}@example.com`;
  const password = 'a-long-enough-password';
  const registered = await call('POST', '/api/v1/users/register', { body: { email, password } });
  if (registered.status !== 201) throw new Error(`register answered ${registered.status}`);
  return { id: registered.body.id, email, token: await logIn(email, password) };
}

/** Makes an admin directly in the table (as `npm run admin` does) and logs it in over HTTP. */
export async function adminSession(): Promise<{ id: string; token: string }> {
  const email = `admin-${randomUUID()}@example.com`;
  const password = 'an-admin-password';
  const { user } = await ensureAdmin({ email, password });
  return { id: user.id, token: await logIn(email, password) };
}

async function logIn(email: string, password: string): Promise<string> {
  const login = await call('POST', '/api/v1/users/login', { body: { email, password } });
  if (login.status !== 200) throw new Error(`login answered ${login.status}`);
  return login.body.accessToken;
}
