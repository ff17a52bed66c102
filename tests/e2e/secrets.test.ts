import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { uniqueEmail, uniquePassword } from '../support/data';
import { argon2Parameters, directClient, storedUser } from '../support/dynamo';
import { apiLogFile, jwtSecret } from '../support/env';
import { base32Decode, totpAt, totpNow, totpStepAt } from '../../lib/identity/totp';
import { call, loginPair, registerUser } from '../support/http';

const client = directClient();
const logWaitMs = 20_000;

afterAll(() => client.destroy());

/**
 * Waits until the API log holds the line of a request to `/log-marker-<id>`, made after everything else, and that
 * request's own log line; by then every earlier request has been logged too.
 */
async function logAfterMarker(): Promise<string> {
  const marker = `/log-marker-${randomUUID()}`;
  expect((await call('GET', marker)).status).toBe(404);
  const deadline = Date.now() + logWaitMs;
  for (;;) {
    const log = readFileSync(apiLogFile(), 'utf8');
    const at = log.indexOf(marker);
    if (at >= 0 && log.indexOf('"code":"route_not_found"', at) >= 0) return log;
    if (Date.now() > deadline) throw new Error(`the API log never showed ${marker}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('secrets', () => {
  it('stores the password registered over HTTP as an argon2id hash with m >= 19456, t >= 2, p = 1', async () => {
    const password = uniquePassword();
    const user = await registerUser(uniqueEmail(), password);
    const item = await storedUser(client, user.id);
    const parameters = argon2Parameters(String(item?.passwordHash));
    expect(parameters).toEqual({ variant: 'argon2id', m: expect.any(Number), t: expect.any(Number), p: 1 });
    expect(parameters.m).toBeGreaterThanOrEqual(19456);
    expect(parameters.t).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(item)).not.toContain(password);
  });

  it('never writes a password, hash, token, refresh token, TOTP secret or the signing secret to the API log', async () => {
    const email = uniqueEmail();
    const password = uniquePassword();
    const wrongPassword = uniquePassword();
    const newPassword = uniquePassword();
    const user = await registerUser(email, password);
    const first = await loginPair(email, password);
    const token = first.accessToken;
    expect((await call('GET', '/api/v1/users/me', { token })).status).toBe(200);
    // Every way a refresh token travels: refreshed, spent and presented again (reuse), logged out, and a password change.
    const refreshed = await call('POST', '/api/v1/users/token/refresh', { json: { refreshToken: first.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect((await call('POST', '/api/v1/users/token/refresh', { json: { refreshToken: first.refreshToken } })).status).toBe(401);
    const second = await loginPair(email, password);
    expect((await call('POST', '/api/v1/users/logout', { json: { refreshToken: second.refreshToken } })).status).toBe(204);
    const third = await loginPair(email, password);
    const changed = await call('POST', '/api/v1/users/me/password', { token: third.accessToken, json: { currentPassword: password, newPassword } });
    expect(changed.status).toBe(204);
    expect(changed.text).toBe('');
    const refreshTokens = [first.refreshToken, refreshed.body.refreshToken as string, second.refreshToken, third.refreshToken];
    const accessTokens = [token, refreshed.body.accessToken as string, second.accessToken, third.accessToken];
    expect((await call('POST', '/api/v1/users/login', { json: { email, password: wrongPassword } })).status).toBe(401);
    expect((await call('POST', '/api/v1/users/register', { json: { email, password } })).status).toBe(409);
    const tooShort = uniquePassword().slice(0, 11);
    expect((await call('POST', '/api/v1/users/register', { json: { email: uniqueEmail(), password: tooShort } })).status).toBe(400);
    expect((await call('GET', '/api/v1/users/me', { token: `${token}x` })).status).toBe(401);
    const hash = String((await storedUser(client, user.id))?.passwordHash);
    // MFA: the secret travels in the enrolment answer only; codes travel in a confirmation and in logins.
    const fourth = await loginPair(email, newPassword);
    const enrolled = await call('POST', '/api/v1/users/me/mfa', { token: fourth.accessToken });
    expect(enrolled.status).toBe(201);
    const totpSecret = String(enrolled.body.secret);
    expect((await call('POST', '/api/v1/users/me/mfa/confirm', { token: fourth.accessToken, json: { totp: totpNow(totpSecret) } })).status).toBe(204);
    expect((await call('POST', '/api/v1/users/login', { json: { email, password: newPassword } })).status).toBe(401);
    const fifth = await loginPair(email, newPassword, totpAt(totpSecret, totpStepAt(Date.now()) + 1));
    accessTokens.push(fourth.accessToken, fifth.accessToken);
    refreshTokens.push(fourth.refreshToken, fifth.refreshToken);
    expect(JSON.stringify(await storedUser(client, user.id))).toContain(totpSecret);
    // A webhook endpoint's signing secret travels in the answer that registers it, and nowhere else.
    const hook = await call('POST', '/v1/webhook-endpoints', { token: fifth.accessToken, json: { url: 'http://127.0.0.1:9/hook', events: ['*'] } });
    expect(hook.status).toBe(201);
    const webhookSecret = String(hook.body.secret);
    expect(webhookSecret).toMatch(/^whsec_/);
    expect((await call('GET', '/v1/webhook-endpoints', { token: fifth.accessToken })).text).not.toContain(webhookSecret);

    const log = await logAfterMarker();
    // The scan means something only if the requests above were logged at all.
    expect(log).toMatch(/"route":"POST \/api\/v1\/users\/register".*"status":201/);
    expect(log).toMatch(/"route":"GET \/api\/v1\/users\/me".*"status":200/);
    expect(log).toMatch(/"route":"POST \/api\/v1\/users\/token\/refresh".*"status":200/);
    expect(log).toMatch(/"route":"POST \/api\/v1\/users\/logout".*"status":204/);
    expect(log).toMatch(/"route":"POST \/api\/v1\/users\/me\/password".*"status":204/);
    expect(log).toMatch(/"route":"POST \/api\/v1\/users\/me\/mfa".*"status":201/);
    expect(log).toMatch(/"route":"POST \/api\/v1\/users\/me\/mfa\/confirm".*"status":204/);
    expect(log).toMatch(/"route":"POST \/v1\/webhook-endpoints".*"status":201/);
    const refreshHashes = refreshTokens.map((refreshToken) => createHash('sha256').update(refreshToken).digest('hex'));
    const signatures = accessTokens.map((accessToken) => accessToken.split('.')[2]!);
    const secrets = [password, wrongPassword, newPassword, tooShort, hash, ...accessTokens, ...signatures, ...refreshTokens, ...refreshHashes, jwtSecret()];
    for (const secret of [...secrets, webhookSecret, webhookSecret.slice('whsec_'.length), totpSecret, totpSecret.toLowerCase(), base32Decode(totpSecret).toString('hex'), base32Decode(totpSecret).toString('base64')]) {
      expect(log.includes(secret)).toBe(false);
    }
    expect(log).not.toMatch(/\$argon2/);
    expect(log).not.toMatch(/eyJ[\w-]+\.eyJ[\w-]+/);
    expect(log).not.toMatch(/"(password|currentPassword|newPassword|passwordHash|authorization|accessToken|refreshToken|totp|secret|otpauthUrl|totpSecret|totpPendingSecret)"/i);
    expect(log).not.toMatch(/otpauth:/);
    expect(log).not.toMatch(/whsec_/);
  });
});
