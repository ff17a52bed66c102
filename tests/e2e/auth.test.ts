import { decodeJwt } from 'jose';
import { uniqueEmail, uniquePassword } from '../support/data';
import { jwtSecret, tokenTtlSeconds } from '../support/env';
import { call, expectProblem, loginUser, registerUser, type Answer } from '../support/http';
import { forgeToken, sessionOf, tamperedToken, unsignedToken } from '../support/tokens';

const loginPath = '/api/v1/users/login';
const mePath = '/api/v1/users/me';

describe('POST /api/v1/users/login', () => {
  it('answers 200 with an access token and a refresh token for the right password, however the email is typed', async () => {
    const email = uniqueEmail();
    const password = uniquePassword();
    const user = await registerUser(email, password);
    const answer = await call('POST', loginPath, { json: { email: ` ${email.toUpperCase()} `, password } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: tokenTtlSeconds(),
      refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), refreshExpiresIn: expect.any(Number),
    });
    expect(tokenTtlSeconds()).toBeLessThanOrEqual(15 * 60);
    expect(answer.body.refreshExpiresIn).toBeGreaterThan(tokenTtlSeconds());
    const claims = decodeJwt(answer.body.accessToken);
    expect(claims).toMatchObject({ sub: user.id, sid: expect.any(String), aud: 'serverless-payments-api', iss: 'serverless-payments' });
    expect(claims.exp! - claims.iat!).toBe(tokenTtlSeconds());
  });

  it('opens a new session at each login', async () => {
    const email = uniqueEmail();
    const password = uniquePassword();
    await registerUser(email, password);
    const [first, second] = [await loginUser(email, password), await loginUser(email, password)];
    expect(sessionOf(first)).not.toBe(sessionOf(second));
  });

  it('answers a wrong password and an unknown email with the same 401 invalid_credentials', async () => {
    const email = uniqueEmail();
    await registerUser(email, uniquePassword());
    const wrongPassword = await call('POST', loginPath, { json: { email, password: uniquePassword() } });
    const unknownEmail = await call('POST', loginPath, { json: { email: uniqueEmail('nobody'), password: uniquePassword() } });
    expectProblem(wrongPassword, 401, 'invalid_credentials');
    expectProblem(unknownEmail, 401, 'invalid_credentials');
    expect(wrongPassword.text).toBe(unknownEmail.text);
    expect(wrongPassword.headers.get('content-type')).toBe(unknownEmail.headers.get('content-type'));
  });

  it('answers 400 validation_failed for a body that breaks the login schema', async () => {
    expectProblem(await call('POST', loginPath, { json: { email: uniqueEmail(), password: 'x'.repeat(129) } }), 400, 'validation_failed');
    expectProblem(await call('POST', loginPath, { json: { email: uniqueEmail(), password: 'p', extra: 1 } }), 400, 'validation_failed');
  });
});

describe('GET /api/v1/users/me', () => {
  let user: Awaited<ReturnType<typeof registerUser>>;
  let token: string;

  beforeAll(async () => {
    const email = uniqueEmail();
    const password = uniquePassword();
    user = await registerUser(email, password);
    token = await loginUser(email, password);
  });

  it('answers 200 with the caller\'s profile, and no password hash', async () => {
    const answer = await call('GET', mePath, { token });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual(user);
    expect(Object.keys(answer.body).sort()).toEqual(['createdAt', 'email', 'id', 'name', 'role']);
    expect(answer.text).not.toMatch(/passwordHash|argon2/);
  });

  it('accepts a token forged with the test secret for a live session, so the rejections below are about the flaw alone', async () => {
    const answer = await call('GET', mePath, { token: await forgeToken(jwtSecret(), { sub: user.id, sid: sessionOf(token) }) });
    expect(answer.status).toBe(200);
    expect(answer.body.id).toBe(user.id);
  });

  it('answers 401 for a valid token whose user does not exist: standing comes from the table', async () => {
    const answer = await call('GET', mePath, { token: await forgeToken(jwtSecret(), { sub: '00000000-0000-4000-8000-000000000000', sid: sessionOf(token) }) });
    expectProblem(answer, 401, 'unauthorized');
  });

  it('answers 401 for a valid token of the user that names a session no one opened, or another user\'s session', async () => {
    expectProblem(await call('GET', mePath, { token: await forgeToken(jwtSecret(), { sub: user.id }) }), 401, 'unauthorized');
    const other = uniqueEmail();
    await registerUser(other, 'another-long-password');
    const othersSession = sessionOf(await loginUser(other, 'another-long-password'));
    expectProblem(await call('GET', mePath, { token: await forgeToken(jwtSecret(), { sub: user.id, sid: othersSession }) }), 401, 'unauthorized');
  });

  const nowSeconds = () => Math.floor(Date.now() / 1000);
  const rejected: Array<[string, () => Promise<Record<string, string>>]> = [
    ['no Authorization header', async () => ({})],
    ['a malformed token', async () => ({ authorization: 'Bearer not-a-jwt' })],
    ['a bearer scheme without a token', async () => ({ authorization: 'Bearer' })],
    ['another scheme', async () => ({ authorization: `Basic ${Buffer.from('user:pass').toString('base64')}` })],
    ['a tampered token (another user\'s id written in)', async () => ({ authorization: `Bearer ${tamperedToken(token, { sub: '00000000-0000-4000-8000-000000000001' })}` })],
    ['a token with its signature cut off', async () => ({ authorization: `Bearer ${token.slice(0, token.lastIndexOf('.') + 1)}` })],
    ['an expired token', async () => ({
      authorization: `Bearer ${await forgeToken(jwtSecret(), { sub: user.id, sid: sessionOf(token), iat: nowSeconds() - 7200, exp: nowSeconds() - 60 })}`,
    })],
    ['an alg: none token', async () => ({ authorization: `Bearer ${unsignedToken(user.id)}` })],
    ['a token signed with another secret', async () => ({
      authorization: `Bearer ${await forgeToken('some-other-secret-that-is-long-enough-000', { sub: user.id, sid: sessionOf(token) })}`,
    })],
    ['a token from another issuer', async () => ({ authorization: `Bearer ${await forgeToken(jwtSecret(), { sub: user.id, iss: 'evil', sid: sessionOf(token) })}` })],
    ['a token for another audience', async () => ({ authorization: `Bearer ${await forgeToken(jwtSecret(), { sub: user.id, aud: 'other-api', sid: sessionOf(token) })}` })],
    ['a token of another type', async () => ({ authorization: `Bearer ${await forgeToken(jwtSecret(), { sub: user.id, typ: 'JWT', sid: sessionOf(token) })}` })],
    ['a token issued ten years ahead', async () => ({
      authorization: `Bearer ${await forgeToken(jwtSecret(), { sub: user.id, sid: sessionOf(token), iat: nowSeconds() + 315_360_000, exp: nowSeconds() + 315_360_600 })}`,
    })],
    ['a token older than the maximum age', async () => ({
      authorization: `Bearer ${await forgeToken(jwtSecret(), { sub: user.id, sid: sessionOf(token), iat: nowSeconds() - tokenTtlSeconds() - 60, exp: nowSeconds() + 3600 })}`,
    })],
  ];

  it.each(rejected)('answers 401 unauthorized with WWW-Authenticate: Bearer for %s', async (_label, headers) => {
    const answer = await call('GET', mePath, { headers: await headers() });
    expectUnauthorized(answer);
  });

  it('answers every rejected token with the same body, so it tells nothing about why', async () => {
    const texts = new Set<string>();
    for (const [, headers] of rejected) texts.add((await call('GET', mePath, { headers: await headers() })).text);
    expect(texts.size).toBe(1);
  });
});

function expectUnauthorized(answer: Answer): void {
  expectProblem(answer, 401, 'unauthorized');
  expect(answer.headers.get('www-authenticate')).toBe('Bearer');
}
