import { randomUUID } from 'node:crypto';
import { ensureAdmin } from '../../lib/identity/users';
import { loginUser, registerUser } from './http';

/** Registers a fresh user over HTTP and logs in; returns its id, email and access token. */
export async function signUp(): Promise<{ id: string; email: string; token: string }> {
  const email = `user-${randomUUID()}@example.com`;
  const password = 'a-long-enough-password';
  const user = await registerUser(email, password);
  return { id: user.id, email, token: await loginUser(email, password) };
}

/** Makes an admin directly in the table (as `npm run admin` does) and logs it in over HTTP. */
export async function adminSession(): Promise<{ id: string; token: string }> {
  const email = `admin-${randomUUID()}@example.com`;
  const password = 'an-admin-password';
  const { user } = await ensureAdmin({ email, password });
  return { id: user.id, token: await loginUser(email, password) };
}
