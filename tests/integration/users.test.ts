import { EmailTakenError, InvalidCredentialsError, UserNotFoundError } from '../../lib/errors';
import { config } from '../../lib/config';
import { registerBody } from '../../lib/identity/schemas';
import { authenticate } from '../../lib/identity/standing';
import { verifyToken } from '../../lib/identity/tokens';
import { getProfile } from '../../lib/identity/profile';
import { ensureAdmin, login, register } from '../../lib/identity/users';
import { findUserByEmail } from '../../lib/storage/users';
import { caught } from '../support/caught';
import { uniqueEmail, uniquePassword } from '../support/data';
import { argon2Parameters, directClient, storedUser } from '../support/dynamo';
import { dynamoEndpoint, tableName } from '../support/env';

const client = directClient();

beforeAll(() => {
  // The storage module read its configuration on import; it must be the private DynamoDB Local of this run.
  expect(config.dynamoEndpoint).toBe(dynamoEndpoint());
  expect(config.tableName).toBe(tableName());
});

afterAll(() => client.destroy());

/** Registers through the same parse-then-call path the handler takes. */
function registerParsed(fields: { email: string; password: string; name?: string }) {
  return register(registerBody.parse(fields));
}

describe('register', () => {
  it('stores the user with the user role and answers its view, without the hash', async () => {
    const email = uniqueEmail('Mixed.Case');
    const user = await registerParsed({ email: `  ${email.toUpperCase()} `, password: uniquePassword(), name: ' Ada ' });
    expect(user).toEqual({ id: expect.any(String), email: email.toLowerCase(), name: 'Ada', role: 'user', createdAt: expect.any(String) });
    expect(Number.isNaN(Date.parse(user.createdAt))).toBe(false);
    const item = await storedUser(client, user.id);
    expect(item).toMatchObject({ entity: 'user', id: user.id, email: email.toLowerCase(), role: 'user' });
  });

  it('hashes the password with argon2id at m >= 19456 KiB, t >= 2, p = 1, never storing it in clear', async () => {
    const password = uniquePassword();
    const user = await registerParsed({ email: uniqueEmail(), password });
    const item = await storedUser(client, user.id);
    const hash = String(item?.passwordHash);
    const parameters = argon2Parameters(hash);
    expect(parameters.variant).toBe('argon2id');
    expect(parameters.m).toBeGreaterThanOrEqual(19456);
    expect(parameters.t).toBeGreaterThanOrEqual(2);
    expect(parameters.p).toBe(1);
    expect(JSON.stringify(item)).not.toContain(password);
  });

  it('refuses a taken email with email_taken and keeps the first user', async () => {
    const email = uniqueEmail();
    const first = await registerParsed({ email, password: uniquePassword() });
    const error = await caught(registerParsed({ email: email.toUpperCase(), password: uniquePassword() }));
    expect(error).toBeInstanceOf(EmailTakenError);
    expect(error).toMatchObject({ status: 409, code: 'email_taken' });
    expect((await findUserByEmail(email))?.id).toBe(first.id);
  });

  it('lets exactly one of five concurrent registrations of one email through', async () => {
    const email = uniqueEmail('race');
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => registerParsed({ email, password: uniquePassword() })),
    );
    const winners = results.filter((result) => result.status === 'fulfilled');
    const losers = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    expect(winners).toHaveLength(1);
    expect(losers.map((result) => result.reason instanceof EmailTakenError && result.reason.code)).toEqual(Array(4).fill('email_taken'));
    expect((await findUserByEmail(email))?.id).toBe((winners[0] as PromiseFulfilledResult<{ id: string }>).value.id);
  });
});

describe('login', () => {
  it('issues a token that proves the user and role', async () => {
    const password = uniquePassword();
    const user = await registerParsed({ email: uniqueEmail(), password });
    const token = await login({ email: user.email, password });
    expect(token).toMatchObject({ tokenType: 'Bearer', expiresIn: config.tokenTtlSeconds, refreshExpiresIn: config.refreshTtlSeconds });
    await expect(verifyToken(token.accessToken)).resolves.toEqual({ userId: user.id, sessionId: expect.any(String) });
  });

  it('fails a wrong password and an unknown email with the same error', async () => {
    const user = await registerParsed({ email: uniqueEmail(), password: uniquePassword() });
    const wrongPassword = await caught(login({ email: user.email, password: uniquePassword() }));
    const unknownEmail = await caught(login({ email: uniqueEmail('nobody'), password: uniquePassword() }));
    expect(wrongPassword).toBeInstanceOf(InvalidCredentialsError);
    expect(unknownEmail).toBeInstanceOf(InvalidCredentialsError);
    const shape = (error: unknown) => ({ ...(error as InvalidCredentialsError), message: (error as Error).message });
    expect(shape(wrongPassword)).toEqual(shape(unknownEmail));
  });
});

describe('getProfile', () => {
  it('answers the stored profile, and user_not_found for an id no user has', async () => {
    const user = await registerParsed({ email: uniqueEmail(), password: uniquePassword() });
    await expect(getProfile(user.id)).resolves.toEqual(user);
    const error = await caught(getProfile('00000000-0000-4000-8000-000000000000'));
    expect(error).toBeInstanceOf(UserNotFoundError);
    expect(error).toMatchObject({ status: 404, code: 'user_not_found' });
  });
});

describe('ensureAdmin', () => {
  it('creates an admin who can log in with the admin role', async () => {
    const email = uniqueEmail('admin');
    const password = uniquePassword();
    const { user, created } = await ensureAdmin(registerBody.parse({ email, password }));
    expect(created).toBe(true);
    expect(user).toMatchObject({ email, role: 'admin' });
    expect(await storedUser(client, user.id)).toMatchObject({ role: 'admin' });
    const { accessToken } = await login({ email, password });
    await expect(authenticate(`Bearer ${accessToken}`)).resolves.toEqual({ userId: user.id, role: 'admin', mfa: false });
  });

  it('promotes an existing user, keeping the id and the password unless asked to reset it', async () => {
    const oldPassword = uniquePassword();
    const newPassword = uniquePassword();
    const existing = await registerParsed({ email: uniqueEmail(), password: oldPassword });
    const kept = await ensureAdmin(registerBody.parse({ email: existing.email, password: newPassword }));
    expect(kept).toEqual({ user: { ...existing, role: 'admin' }, created: false, passwordChanged: false });
    expect(await storedUser(client, existing.id)).toMatchObject({ sessionGeneration: 0 });
    await expect(login({ email: existing.email, password: newPassword })).rejects.toBeInstanceOf(InvalidCredentialsError);
    await expect(authenticate(`Bearer ${(await login({ email: existing.email, password: oldPassword })).accessToken}`))
      .resolves.toEqual({ userId: existing.id, role: 'admin', mfa: false });

    const reset = await ensureAdmin(registerBody.parse({ email: existing.email, password: newPassword }), { resetPassword: true });
    expect(reset).toEqual({ user: { ...existing, role: 'admin' }, created: false, passwordChanged: true });
    // A reset password revokes every session of the user, as a password change does.
    expect(await storedUser(client, existing.id)).toMatchObject({ sessionGeneration: 1 });
    await expect(login({ email: existing.email, password: oldPassword })).rejects.toBeInstanceOf(InvalidCredentialsError);
    await expect(authenticate(`Bearer ${(await login({ email: existing.email, password: newPassword })).accessToken}`))
      .resolves.toEqual({ userId: existing.id, role: 'admin', mfa: false });
  });

  it('is safe to repeat', async () => {
    const input = registerBody.parse({ email: uniqueEmail('admin'), password: uniquePassword() });
    const first = await ensureAdmin(input);
    const second = await ensureAdmin(input);
    expect(second).toEqual({ user: first.user, created: false, passwordChanged: false });
  });
});
