import { randomUUID } from 'node:crypto';
import { InvalidCredentialsError, UserDisabledError, UserNotFoundError } from '../errors';
import type { Caller, Role, UserRecord } from './model';
import { findUserByEmail, findUserById, insertUser, replacePassword, setTotpFactor, updateUser } from '../storage/users';
import { secondFactor } from './mfa';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './passwords';
import { toUserView } from './profile';
import type { ChangePasswordBody, LoginBody, RegisterBody, UserView } from './schemas';
import { openSession } from './sessions';
import { normalizeTotpSecret } from './totp';
import type { TokenPair } from './tokens';

/** Registers a user with the `user` role. A taken email is a `ConflictError` (`email_taken`). */
export async function register(input: RegisterBody): Promise<UserView> {
  const user: UserRecord = {
    id: randomUUID(),
    email: input.email,
    name: input.name ?? null,
    role: 'user',
    passwordHash: await hashPassword(input.password),
    disabled: false,
    sessionGeneration: 0,
    totp: null,
    pendingTotpSecret: null,
    createdAt: new Date().toISOString(),
  };
  await insertUser(user);
  return toUserView(user);
}

/**
 * Exchanges email and password (and a TOTP code, for a user with MFA: ./mfa.ts) for a new session's tokens. An unknown
 * email costs the same hashing work as a wrong password and fails with the same error, so neither the answer nor its
 * timing tells which it was. A disabled user is told so (`user_disabled`), and a user with MFA that a code is missing
 * (`mfa_required`), only after the right password, so neither answer reveals anything to a guesser.
 */
export async function login(input: LoginBody): Promise<TokenPair> {
  const user = await findUserByEmail(input.email);
  if (!user) {
    await verifyAgainstDummy(input.password);
    throw new InvalidCredentialsError();
  }
  if (!(await verifyPassword(user.passwordHash, input.password))) throw new InvalidCredentialsError();
  if (user.disabled) throw new UserDisabledError();
  return openSession(user, await secondFactor(user, input.totp));
}

/**
 * Changes the caller's password, given the current one, and revokes every session of the user, the caller's own
 * included, in the same write (`replacePassword`). A wrong current password is `invalid_credentials`.
 */
export async function changePassword(caller: Caller, input: ChangePasswordBody): Promise<void> {
  const user = await findUserById(caller.userId);
  if (!user) throw new UserNotFoundError('The user no longer exists.');
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) throw new InvalidCredentialsError();
  // A change that raced another one was checked against a hash that is gone: the password it proved is not current.
  if (!(await replacePassword(user.id, user.passwordHash, await hashPassword(input.newPassword)))) {
    throw new InvalidCredentialsError();
  }
}

/**
 * Makes sure an admin with this email exists: creates one, or promotes the existing user. An existing user's password
 * is replaced only when `resetPassword` is set, and otherwise left as it was (and not hashed at all). `totpSecret`
 * (base32) turns MFA on with that secret, confirmed, replacing any factor the user had. Safe to repeat.
 * Returns whether the user was created, and whether its password was set.
 */
export async function ensureAdmin(
  input: RegisterBody, options: { resetPassword?: boolean; totpSecret?: string } = {},
): Promise<{ user: UserView; created: boolean; passwordChanged: boolean }> {
  const existing = await findUserByEmail(input.email);
  const role: Role = 'admin';
  let outcome: { user: UserView; created: boolean; passwordChanged: boolean };
  if (existing) {
    const passwordHash = options.resetPassword ? await hashPassword(input.password) : undefined;
    await updateUser(existing.id, passwordHash === undefined ? { role } : { role, passwordHash });
    outcome = { user: toUserView({ ...existing, role }), created: false, passwordChanged: passwordHash !== undefined };
  } else {
    const created = await register(input);
    await updateUser(created.id, { role });
    outcome = { user: { ...created, role }, created: true, passwordChanged: true };
  }
  if (options.totpSecret !== undefined) await setTotpFactor(outcome.user.id, normalizeTotpSecret(options.totpSecret));
  return outcome;
}
