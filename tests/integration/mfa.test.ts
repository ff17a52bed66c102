import { config } from '../../lib/config';
import { InvalidCredentialsError, InvalidTotpError, MfaCodeRequiredError, MfaNotPendingError, MfaSessionRequiredError } from '../../lib/errors';
import { confirmMfa, enrolMfa, secondFactor } from '../../lib/identity/mfa';
import type { Caller } from '../../lib/identity/model';
import { registerBody } from '../../lib/identity/schemas';
import { refreshSession } from '../../lib/identity/sessions';
import { authenticate } from '../../lib/identity/standing';
import { newTotpSecret, totpAt, totpNow, totpStepAt } from '../../lib/identity/totp';
import { ensureAdmin, login, register } from '../../lib/identity/users';
import { confirmTotpSecret, findUserById, setPendingTotpSecret, useTotpStep } from '../../lib/storage/users';
import { caught } from '../support/caught';
import { uniqueEmail, uniquePassword } from '../support/data';
import { directClient, storedUser } from '../support/dynamo';
import { dynamoEndpoint } from '../support/env';

const client = directClient();

beforeAll(() => expect(config.dynamoEndpoint).toBe(dynamoEndpoint()));
afterAll(() => client.destroy());

async function newUser(): Promise<{ caller: Caller; email: string; password: string }> {
  const email = uniqueEmail('mfa');
  const password = uniquePassword();
  const user = await register(registerBody.parse({ email, password }));
  return { caller: { userId: user.id, role: 'user', mfa: false }, email, password };
}

describe('the TOTP factor in the user item', () => {
  it('keeps a pending secret apart from the factor, and confirms it only while it is the one pending', async () => {
    const { caller } = await newUser();
    const [first, second] = [newTotpSecret(), newTotpSecret()];
    await setPendingTotpSecret(caller.userId, first);
    expect(await findUserById(caller.userId)).toMatchObject({ totp: null, pendingTotpSecret: first });
    await setPendingTotpSecret(caller.userId, second);
    expect(await confirmTotpSecret(caller.userId, first, 100)).toBe(false);
    expect(await confirmTotpSecret(caller.userId, second, 100)).toBe(true);
    expect(await findUserById(caller.userId)).toMatchObject({ totp: { secret: second, lastStep: 100 }, pendingTotpSecret: null });
    expect(await storedUser(client, caller.userId)).toMatchObject({ totpSecret: second, totpLastStep: 100 });
    expect(await storedUser(client, caller.userId)).not.toHaveProperty('totpPendingSecret');
  });

  it('records a used step only if it is later than the last, so of two uses of one step exactly one wins', async () => {
    const { caller } = await newUser();
    const secret = newTotpSecret();
    await setPendingTotpSecret(caller.userId, secret);
    await confirmTotpSecret(caller.userId, secret, 100);
    expect(await useTotpStep(caller.userId, secret, 100)).toBe(false);
    expect(await useTotpStep(caller.userId, newTotpSecret(), 101)).toBe(false);
    const raced = await Promise.all(Array.from({ length: 5 }, () => useTotpStep(caller.userId, secret, 101)));
    expect(raced.filter(Boolean)).toHaveLength(1);
    expect(await useTotpStep(caller.userId, secret, 101)).toBe(false);
    expect(await findUserById(caller.userId)).toMatchObject({ totp: { secret, lastStep: 101 } });
  });
});

describe('enrolment', () => {
  it('answers a secret that does nothing until a code of it confirms it; then login needs a code, once each', async () => {
    const { caller, email, password } = await newUser();
    expect(await caught(confirmMfa(caller, '123456'))).toBeInstanceOf(MfaNotPendingError);
    const { secret, otpauthUrl } = await enrolMfa(caller);
    expect(otpauthUrl).toContain(`secret=${secret}`);
    // Pending: login needs no code yet, and opens a session without MFA.
    const before = await login({ email, password });
    expect(await authenticate(`Bearer ${before.accessToken}`)).toEqual({ ...caller, mfa: false });
    const wrong = String((Number(totpNow(secret)) + 1) % 1_000_000).padStart(6, '0');
    expect(await caught(confirmMfa(caller, wrong))).toBeInstanceOf(InvalidTotpError);
    const code = totpNow(secret);
    await confirmMfa(caller, code);
    expect(await caught(login({ email, password }))).toBeInstanceOf(MfaCodeRequiredError);
    // The confirming code is spent: it cannot log in.
    expect(await caught(login({ email, password, totp: code }))).toBeInstanceOf(InvalidCredentialsError);
    const next = totpAt(secret, totpStepAt(Date.now()) + 1);
    const pair = await login({ email, password, totp: next });
    expect(await authenticate(`Bearer ${pair.accessToken}`)).toEqual({ ...caller, mfa: true });
    expect(await caught(login({ email, password, totp: next }))).toBeInstanceOf(InvalidCredentialsError);
    // A refresh keeps the session, and so its MFA.
    const refreshed = await refreshSession(pair.refreshToken);
    expect(await authenticate(`Bearer ${refreshed.accessToken}`)).toEqual({ ...caller, mfa: true });
  });

  it('lets a user with MFA on enrol again only from a session opened with MFA', async () => {
    const { caller } = await newUser();
    const { secret } = await enrolMfa(caller);
    await confirmMfa(caller, totpNow(secret));
    expect(await caught(enrolMfa(caller))).toBeInstanceOf(MfaSessionRequiredError);
    const next = await enrolMfa({ ...caller, mfa: true });
    // The current factor stays until the new one is confirmed.
    expect(await findUserById(caller.userId)).toMatchObject({ totp: { secret }, pendingTotpSecret: next.secret });
    expect(await caught(confirmMfa(caller, totpNow(next.secret)))).toBeInstanceOf(MfaSessionRequiredError);
    await confirmMfa({ ...caller, mfa: true }, totpNow(next.secret));
    expect(await findUserById(caller.userId)).toMatchObject({ totp: { secret: next.secret }, pendingTotpSecret: null });
  });

  it('ignores a code sent by a user without MFA, and opens its session without MFA', async () => {
    const { caller, email, password } = await newUser();
    expect(await secondFactor((await findUserById(caller.userId))!, '123456')).toBe(false);
    const { accessToken } = await login({ email, password, totp: '123456' });
    expect(await authenticate(`Bearer ${accessToken}`)).toEqual({ ...caller, mfa: false });
  });
});

describe('ensureAdmin with a TOTP secret', () => {
  it('turns MFA on with that secret, and setting the same secret again keeps its used steps used', async () => {
    const email = uniqueEmail('admin');
    const password = uniquePassword();
    const secret = newTotpSecret();
    const { user } = await ensureAdmin(registerBody.parse({ email, password }), { totpSecret: secret.toLowerCase() });
    expect(await caught(login({ email, password }))).toBeInstanceOf(MfaCodeRequiredError);
    const code = totpNow(secret);
    const { accessToken } = await login({ email, password, totp: code });
    expect(await authenticate(`Bearer ${accessToken}`)).toEqual({ userId: user.id, role: 'admin', mfa: true });
    await ensureAdmin(registerBody.parse({ email, password }), { totpSecret: secret });
    expect(await caught(login({ email, password, totp: code }))).toBeInstanceOf(InvalidCredentialsError);
    expect(await caught(ensureAdmin(registerBody.parse({ email, password }), { totpSecret: 'not-base32' })))
      .toMatchObject({ message: expect.stringContaining('base32') });
  });
});
