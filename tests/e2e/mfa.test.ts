import { randomUUID } from 'node:crypto';
import { totpAt, totpNow, totpStepAt } from '../../lib/identity/totp';
import { call, expectProblem, loginPair, type Answer } from '../support/http';
import { makeAdmin, signUp } from '../support/sessions';

const loginPath = '/api/v1/users/login';
const login = (email: string, password: string, totp?: string) =>
  call('POST', loginPath, { json: { email, password, ...(totp === undefined ? {} : { totp }) } });
/** A code of the step after the current one: accepted (±1 step), and later than any code used before it in a test. */
const nextCode = (secret: string) => totpAt(secret, totpStepAt(Date.now()) + 1);
/** A six-digit code that is not the current one. */
const wrongCode = (code: string) => String((Number(code) + 500_000) % 1_000_000).padStart(6, '0');

/** The admin-only actions of the contract: open system and others' accounts, see others' accounts, manage users, debit another's account. */
async function adminActions(token: string, victimId: string, victimAccountId: string, ownAccountId: string): Promise<Answer[]> {
  return [
    await call('POST', '/v1/accounts', { token, json: { currency: 'USD', type: 'system' } }),
    await call('POST', '/v1/accounts', { token, json: { currency: 'USD', ownerId: victimId } }),
    await call('GET', `/v1/accounts?ownerId=${victimId}`, { token }),
    await call('GET', `/v1/accounts/${victimAccountId}`, { token }),
    await call('GET', '/api/v1/users?limit=1', { token }),
    await call('PATCH', `/api/v1/users/${victimId}`, { token, json: { disabled: false } }),
    await call('POST', '/v1/transfers', {
      token, json: { fromAccountId: victimAccountId, toAccountId: ownAccountId, amount: 1, currency: 'USD' }, headers: { 'Idempotency-Key': randomUUID() },
    }),
  ];
}

describe('admin MFA over HTTP', () => {
  it('enrols, confirms, then needs the code at login, each code once; only an MFA session holds admin power', async () => {
    const admin = await makeAdmin({ mfa: false });
    const victim = await signUp();
    const victimAccount = (await call('POST', '/v1/accounts', { token: victim.token, json: { currency: 'USD' } })).body;
    const plain = await loginPair(admin.email, admin.password);
    // Without MFA, an admin acts as a user on its own things, and is told mfa_required for every admin-only action.
    const own = await call('POST', '/v1/accounts', { token: plain.accessToken, json: { currency: 'USD' } });
    expect(own.status).toBe(201);
    expect((await call('GET', '/v1/accounts', { token: plain.accessToken })).status).toBe(200);
    for (const answer of await adminActions(plain.accessToken, victim.id, victimAccount.id, own.body.id)) expectProblem(answer, 403, 'mfa_required');

    expectProblem(await call('POST', '/api/v1/users/me/mfa/confirm', { token: plain.accessToken, json: { totp: '123456' } }), 409, 'mfa_not_pending');
    const enrolled = await call('POST', '/api/v1/users/me/mfa', { token: plain.accessToken });
    expect(enrolled.status).toBe(201);
    const { secret, otpauthUrl } = enrolled.body as { secret: string; otpauthUrl: string };
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\/serverless-payments:/);
    expect(new URL(otpauthUrl).searchParams.get('secret')).toBe(secret);
    expect(new URL(otpauthUrl).searchParams.get('issuer')).toBe('serverless-payments');
    // Pending, the secret does nothing: login needs no code.
    expect((await login(admin.email, admin.password)).status).toBe(200);

    const code = totpNow(secret);
    expectProblem(await call('POST', '/api/v1/users/me/mfa/confirm', { token: plain.accessToken, json: { totp: wrongCode(code) } }), 422, 'invalid_totp');
    expectProblem(await call('POST', '/api/v1/users/me/mfa/confirm', { token: plain.accessToken, json: { totp: 123456 } }), 400, 'validation_failed');
    const confirmed = await call('POST', '/api/v1/users/me/mfa/confirm', { token: plain.accessToken, json: { totp: code } });
    expect(confirmed.status).toBe(204);

    expectProblem(await login(admin.email, admin.password), 401, 'mfa_required');
    expectProblem(await login(admin.email, 'a-wrong-password-altogether'), 401, 'invalid_credentials');
    expectProblem(await login(admin.email, admin.password, wrongCode(code)), 401, 'invalid_credentials');
    // The confirming code is spent.
    expectProblem(await login(admin.email, admin.password, code), 401, 'invalid_credentials');
    const next = nextCode(secret);
    const withMfa = await login(admin.email, admin.password, next);
    expect(withMfa.status).toBe(200);
    // A replayed code is refused.
    expectProblem(await login(admin.email, admin.password, next), 401, 'invalid_credentials');

    const actions = await adminActions(withMfa.body.accessToken, victim.id, victimAccount.id, own.body.id);
    expect(actions.map((answer) => answer.status)).toEqual([201, 201, 200, 200, 200, 200, 422]);
    // The debit of the victim's (empty) account reached the ledger's rules.
    expect(actions[6]!.body.code).toBe('insufficient_funds');
    // The session opened before MFA still holds no admin power; a refresh of the MFA session keeps it.
    expectProblem(await call('GET', '/api/v1/users?limit=1', { token: plain.accessToken }), 403, 'mfa_required');
    const refreshed = await call('POST', '/api/v1/users/token/refresh', { json: { refreshToken: withMfa.body.refreshToken } });
    expect((await call('GET', '/api/v1/users?limit=1', { token: refreshed.body.accessToken })).status).toBe(200);

    // Enrolling again, with MFA on, needs an MFA session.
    expectProblem(await call('POST', '/api/v1/users/me/mfa', { token: plain.accessToken }), 403, 'mfa_required');
    expect((await call('POST', '/api/v1/users/me/mfa', { token: refreshed.body.accessToken })).status).toBe(201);
  });

  it("shows initiatedBy and another's balances only to an admin in an MFA session", async () => {
    const admin = await makeAdmin();
    const withMfa = await login(admin.email, admin.password, totpNow(admin.totpSecret!));
    const user = await signUp();
    const userAccount = (await call('POST', '/v1/accounts', { token: user.token, json: { currency: 'USD' } })).body;
    const bank = (await call('POST', '/v1/accounts', { token: withMfa.body.accessToken, json: { currency: 'USD', type: 'system' } })).body;
    const paid = await call('POST', '/v1/transfers', {
      token: withMfa.body.accessToken,
      json: { fromAccountId: bank.id, toAccountId: userAccount.id, amount: 500, currency: 'USD' },
      headers: { 'Idempotency-Key': randomUUID() },
    });
    expect(paid.body).toHaveProperty('initiatedBy');
    const seen = await call('GET', `/v1/transactions/${paid.body.id}`, { token: withMfa.body.accessToken });
    expect(seen.body).toMatchObject({ initiatedBy: { userId: admin.id, role: 'admin' } });
    expect(seen.body.entries.map((entry: { balanceAfter: number | null }) => entry.balanceAfter)).toEqual([-500, 500]);

    // An admin whose MFA is not on sees a transaction it is party to as a user does: no initiator, no bank balance.
    const other = await makeAdmin({ mfa: false });
    const plain = (await loginPair(other.email, other.password)).accessToken;
    const ownAccount = (await call('POST', '/v1/accounts', { token: plain, json: { currency: 'USD' } })).body;
    const funded = await call('POST', '/v1/transfers', {
      token: withMfa.body.accessToken,
      json: { fromAccountId: bank.id, toAccountId: ownAccount.id, amount: 300, currency: 'USD' },
      headers: { 'Idempotency-Key': randomUUID() },
    });
    const asParty = await call('GET', `/v1/transactions/${funded.body.id}`, { token: plain });
    expect(asParty.status).toBe(200);
    expect(asParty.body).not.toHaveProperty('initiatedBy');
    expect(asParty.body.entries.map((entry: { balanceAfter: number | null }) => entry.balanceAfter)).toEqual([null, 300]);
    expectProblem(await call('GET', `/v1/transactions/${paid.body.id}`, { token: plain }), 403, 'mfa_required');
    expectProblem(await call('GET', `/v1/accounts/${userAccount.id}/balance`, { token: plain }), 403, 'mfa_required');
    expectProblem(await call('GET', `/v1/accounts/${userAccount.id}/transactions`, { token: plain }), 403, 'mfa_required');
  });

  it('counts a wrong code as a failed login: after 5, even the right code waits (429)', async () => {
    const admin = await makeAdmin();
    const code = totpNow(admin.totpSecret!);
    for (let i = 0; i < 5; i += 1) expectProblem(await login(admin.email, admin.password, wrongCode(code)), 401, 'invalid_credentials');
    expectProblem(await login(admin.email, admin.password, code), 429, 'too_many_attempts');
  });
});
