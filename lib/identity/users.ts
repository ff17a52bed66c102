import { randomUUID } from 'node:crypto';
import { InvalidCredentialsError } from '../errors';
import type { Role, UserRecord } from './model';
import { findUserByEmail, insertUser, updateUser } from '../storage/users';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './passwords';
import { toUserView } from './profile';
import type { LoginBody, RegisterBody, UserView } from './schemas';
import { issueToken, type AccessToken } from './tokens';

/** Registers a user with the `user` role. A taken email is a `ConflictError` (`email_taken`). */
export async function register(input: RegisterBody): Promise<UserView> {
  const user: UserRecord = {
    id: randomUUID(),
    email: input.email,
    name: input.name ?? null,
    role: 'user',
    passwordHash: await hashPassword(input.password),
    disabled: false,
    createdAt: new Date().toISOString(),
  };
  await insertUser(user);
  return toUserView(user);
}

/**
 * Exchanges email and password for an access token. An unknown email costs the same hashing work as a wrong
 * password and fails with the same error, so neither the answer nor its timing tells which it was.
 */
export async function login(input: LoginBody): Promise<AccessToken> {
  const user = await findUserByEmail(input.email);
  if (!user) {
    await verifyAgainstDummy(input.password);
    throw new InvalidCredentialsError();
  }
  if (!(await verifyPassword(user.passwordHash, input.password))) throw new InvalidCredentialsError();
  return issueToken(user.id, user.role);
}

/**
 * Makes sure an admin with this email exists: creates one, or promotes the existing user. An existing user's password
 * is replaced only when `resetPassword` is set, and otherwise left as it was (and not hashed at all). Safe to repeat.
 * Returns whether the user was created, and whether its password was set.
 */
export async function ensureAdmin(
  input: RegisterBody, options: { resetPassword?: boolean } = {},
): Promise<{ user: UserView; created: boolean; passwordChanged: boolean }> {
  const existing = await findUserByEmail(input.email);
  const role: Role = 'admin';
  if (existing) {
    const passwordHash = options.resetPassword ? await hashPassword(input.password) : undefined;
    await updateUser(existing.id, passwordHash === undefined ? { role } : { role, passwordHash });
    return { user: toUserView({ ...existing, role }), created: false, passwordChanged: passwordHash !== undefined };
  }
  const created = await register(input);
  await updateUser(created.id, { role });
  return { user: { ...created, role }, created: true, passwordChanged: true };
}
