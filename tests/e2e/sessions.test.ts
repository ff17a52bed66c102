import { decodeJwt } from 'jose';
import { standingCacheMs } from '../../lib/identity/standing';
import { uniqueEmail, uniquePassword } from '../support/data';
import { call, expectProblem, loginPair, registerUser, type TokenPair } from '../support/http';

const refreshPath = '/api/v1/users/token/refresh';
const logoutPath = '/api/v1/users/logout';
const passwordPath = '/api/v1/users/me/password';
const mePath = '/api/v1/users/me';

/** Waits out every instance's cached standing and session. */
const standingExpires = () => new Promise((resolve) => setTimeout(resolve, standingCacheMs + 250));

/** A fresh user with its credentials and one session. */
async function userWithSession(): Promise<{ id: string; email: string; password: string; pair: TokenPair }> {
  const email = uniqueEmail();
  const password = uniquePassword();
  const { id } = await registerUser(email, password);
  return { id, email, password, pair: await loginPair(email, password) };
}

const refresh = (refreshToken: string) => call('POST', refreshPath, { json: { refreshToken } });
const me = (accessToken: string) => call('GET', mePath, { token: accessToken });

describe('POST /api/v1/users/token/refresh', () => {
  it('answers a new pair of the same session and spends the old refresh token', async () => {
    const { id, pair } = await userWithSession();
    const answer = await refresh(pair.refreshToken);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      accessToken: expect.any(String), tokenType: 'Bearer', expiresIn: pair.expiresIn,
      refreshToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), refreshExpiresIn: pair.refreshExpiresIn,
    });
    expect(answer.body.refreshToken).not.toBe(pair.refreshToken);
    expect(decodeJwt(answer.body.accessToken)).toMatchObject({ sub: id, sid: decodeJwt(pair.accessToken).sid });
    expect((await me(answer.body.accessToken)).status).toBe(200);
    expect((await refresh(answer.body.refreshToken)).status).toBe(200);
  });

  it('treats a spent refresh token as reuse: 401, and every token of that session stops working', async () => {
    const { email, password, pair } = await userWithSession();
    const other = await loginPair(email, password);
    const renewed = (await refresh(pair.refreshToken)).body as TokenPair;
    expect((await me(renewed.accessToken)).status).toBe(200);

    expectProblem(await refresh(pair.refreshToken), 401, 'invalid_refresh_token');
    expectProblem(await refresh(renewed.refreshToken), 401, 'invalid_refresh_token');
    await standingExpires();
    expectProblem(await me(renewed.accessToken), 401, 'unauthorized');
    expectProblem(await me(pair.accessToken), 401, 'unauthorized');
    // Another session of the same user is untouched.
    expect((await me(other.accessToken)).status).toBe(200);
    expect((await refresh(other.refreshToken)).status).toBe(200);
  });

  it('lets exactly one of two concurrent refreshes of one token win, and treats the other as reuse', async () => {
    const { pair } = await userWithSession();
    const answers = await Promise.all([refresh(pair.refreshToken), refresh(pair.refreshToken)]);
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401]);
    const loser = answers.find((answer) => answer.status === 401)!;
    expectProblem(loser, 401, 'invalid_refresh_token');
    const winner = answers.find((answer) => answer.status === 200)!.body as TokenPair;
    // The loser revoked the session, so the winner's pair dies with it.
    expectProblem(await refresh(winner.refreshToken), 401, 'invalid_refresh_token');
    await standingExpires();
    expectProblem(await me(winner.accessToken), 401, 'unauthorized');
  });

  it('answers one 401 invalid_refresh_token for a token it never issued, and 400 for one of the wrong shape', async () => {
    const unknown = await refresh('A'.repeat(43));
    expectProblem(unknown, 401, 'invalid_refresh_token');
    expectProblem(await refresh('short'), 400, 'validation_failed');
    expectProblem(await call('POST', refreshPath, { json: {} }), 400, 'validation_failed');
    const { pair } = await userWithSession();
    await refresh(pair.refreshToken);
    const spent = await refresh(pair.refreshToken);
    expect(spent.text).toBe(unknown.text);
  });
});

describe('POST /api/v1/users/logout', () => {
  it('answers 204 with no body, refuses the session\'s refresh token, and its access token within 5 s', async () => {
    const { email, password, pair } = await userWithSession();
    const other = await loginPair(email, password);
    const answer = await call('POST', logoutPath, { json: { refreshToken: pair.refreshToken } });
    expect(answer.status).toBe(204);
    expect(answer.text).toBe('');
    expect(answer.headers.get('cache-control')).toBe('no-store');

    expectProblem(await refresh(pair.refreshToken), 401, 'invalid_refresh_token');
    await standingExpires();
    expectProblem(await me(pair.accessToken), 401, 'unauthorized');
    expect((await me(other.accessToken)).status).toBe(200);
  });

  it('answers 401 invalid_refresh_token for a refresh token it never issued', async () => {
    expectProblem(await call('POST', logoutPath, { json: { refreshToken: 'B'.repeat(43) } }), 401, 'invalid_refresh_token');
  });
});

describe('POST /api/v1/users/me/password', () => {
  it('changes the password and revokes every session of the user, the caller\'s own included', async () => {
    const user = await userWithSession();
    const second = await loginPair(user.email, user.password);
    const newPassword = uniquePassword();
    const answer = await call('POST', passwordPath, { token: user.pair.accessToken, json: { currentPassword: user.password, newPassword } });
    expect(answer.status).toBe(204);
    expect(answer.text).toBe('');

    for (const pair of [user.pair, second]) expectProblem(await refresh(pair.refreshToken), 401, 'invalid_refresh_token');
    await standingExpires();
    for (const pair of [user.pair, second]) expectProblem(await me(pair.accessToken), 401, 'unauthorized');
    expectProblem(await call('POST', '/api/v1/users/login', { json: { email: user.email, password: user.password } }), 401, 'invalid_credentials');
    const fresh = await loginPair(user.email, newPassword);
    expect((await me(fresh.accessToken)).status).toBe(200);
  });

  it('answers 401 invalid_credentials for a wrong current password, and changes nothing', async () => {
    const user = await userWithSession();
    const answer = await call('POST', passwordPath, { token: user.pair.accessToken, json: { currentPassword: uniquePassword(), newPassword: uniquePassword() } });
    expectProblem(answer, 401, 'invalid_credentials');
    expect((await me(user.pair.accessToken)).status).toBe(200);
    expect((await refresh(user.pair.refreshToken)).status).toBe(200);
  });

  it('needs a bearer token and a new password of 12 characters or more', async () => {
    const user = await userWithSession();
    expectProblem(await call('POST', passwordPath, { json: { currentPassword: user.password, newPassword: uniquePassword() } }), 401, 'unauthorized');
    expectProblem(await call('POST', passwordPath, { token: user.pair.accessToken, json: { currentPassword: user.password, newPassword: 'short' } }), 400, 'validation_failed');
  });
});

