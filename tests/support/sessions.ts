import { randomUUID } from 'node:crypto';
import { ensureAdmin } from '../../lib/identity/users';
import { newTotpSecret, totpNow } from '../../lib/identity/totp';
import { loginUser, registerUser } from './http';

/** Registers a fresh user over HTTP and logs in; returns its id, email and access token. */
export async function signUp(): Promise<{ id: string; email: string; token: string }> {
  const email = `user-${randomUUID()}@example.com`;
  const password = 'a-long-enough-password';
  const user = await registerUser(email, password);
  return { id: user.id, email, token: await loginUser(email, password) };
}

/** An admin made in the table, with its credentials: its TOTP secret too when it has MFA on. */
export interface AdminCredentials {
  id: string;
  email: string;
  password: string;
  totpSecret: string | undefined;
}

/** Makes an admin directly in the table (as `npm run admin` does), with MFA on (a fresh secret of its own) unless told not. */
export async function makeAdmin(options: { mfa?: boolean } = {}): Promise<AdminCredentials> {
  const email = `admin-${randomUUID()}@example.com`;
  const password = 'an-admin-password';
  const totpSecret = options.mfa === false ? undefined : newTotpSecret();
  const { user } = await ensureAdmin({ email, password }, totpSecret === undefined ? {} : { totpSecret });
  return { id: user.id, email, password, totpSecret };
}

/**
 * Makes an admin directly in the table and logs it in over HTTP with a code of its secret, as admins log in: its
 * session holds admin power. Each admin has a secret of its own, so no two tests spend the same code.
 */
export async function adminSession(): Promise<{ id: string; token: string }> {
  const admin = await makeAdmin();
  return { id: admin.id, token: await loginUser(admin.email, admin.password, totpNow(admin.totpSecret!)) };
}
