import { standingCacheMs } from '../../lib/identity/standing';
import { uniqueEmail, uniquePassword } from '../support/data';
import { totpAt, totpNow, totpStepAt } from '../../lib/identity/totp';
import { call, expectProblem, loginPair, loginUser, registerUser } from '../support/http';
import { adminSession, signUp } from '../support/sessions';

/** Waits out every instance's cached standing. */
const standingExpires = () => new Promise((resolve) => setTimeout(resolve, standingCacheMs + 250));

const usersPath = '/api/v1/users';
const userPath = (id: string) => `/api/v1/users/${id}`;
const pagesMax = 200;

describe('GET /api/v1/users', () => {
  it('answers admins every user a page at a time, oldest first, with disabled and never a hash', async () => {
    const admin = await adminSession();
    const made = [await registerUser(uniqueEmail(), uniquePassword()), await registerUser(uniqueEmail(), uniquePassword())];
    const first = await call('GET', `${usersPath}?limit=2`, { token: admin.token });
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(2);
    expect(typeof first.body.nextCursor).toBe('string');
    for (const user of first.body.data) expect(Object.keys(user).sort()).toEqual(['createdAt', 'disabled', 'email', 'id', 'name', 'role']);
    expect(first.text).not.toMatch(/passwordHash|argon2|sessionGeneration/);

    const seen: Array<{ id: string; createdAt: string; disabled: boolean }> = [];
    let cursor: string | null = null;
    for (let page = 0; page < pagesMax; page += 1) {
      const answer = await call('GET', `${usersPath}?limit=100${cursor ? `&cursor=${cursor}` : ''}`, { token: admin.token });
      expect(answer.status).toBe(200);
      seen.push(...answer.body.data);
      cursor = answer.body.nextCursor;
      if (!cursor) break;
    }
    expect(new Set(seen.map((user) => user.id)).size).toBe(seen.length);
    const createdAts = seen.map((user) => user.createdAt);
    expect(createdAts).toEqual([...createdAts].sort());
    for (const user of made) expect(seen.find((listed) => listed.id === user.id)).toEqual({ ...user, disabled: false });
  });

  it('refuses a user (403 forbidden), a bad limit or cursor (400), and no token (401)', async () => {
    const user = await signUp();
    const admin = await adminSession();
    expectProblem(await call('GET', usersPath, { token: user.token }), 403, 'forbidden');
    expectProblem(await call('GET', `${usersPath}?limit=101`, { token: admin.token }), 400, 'validation_failed');
    expectProblem(await call('GET', `${usersPath}?cursor=not-a-cursor`, { token: admin.token }), 400, 'invalid_cursor');
    expectProblem(await call('GET', usersPath), 401, 'unauthorized');
  });
});

describe('PATCH /api/v1/users/{id}', () => {
  it('changes a role: the promoted user is an admin within 5 s, with the token it already held, and holds admin power once it logs in with MFA', async () => {
    const admin = await adminSession();
    const user = await signUp();
    expectProblem(await call('GET', usersPath, { token: user.token }), 403, 'forbidden');
    const answer = await call('PATCH', userPath(user.id), { token: admin.token, json: { role: 'admin' } });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ id: user.id, email: user.email, name: null, role: 'admin', disabled: false, createdAt: expect.any(String) });
    await standingExpires();
    // An admin now, but its session was opened without MFA.
    expectProblem(await call('GET', `${usersPath}?limit=1`, { token: user.token }), 403, 'mfa_required');
    const { secret } = (await call('POST', '/api/v1/users/me/mfa', { token: user.token })).body;
    expect((await call('POST', '/api/v1/users/me/mfa/confirm', { token: user.token, json: { totp: totpNow(secret) } })).status).toBe(204);
    const withMfa = await loginUser(user.email, 'a-long-enough-password', totpAt(secret, totpStepAt(Date.now()) + 1));
    expect((await call('GET', `${usersPath}?limit=1`, { token: withMfa })).status).toBe(200);
  });

  it('disables a user: its token is 401 within 5 s, its refresh token is refused, and its right password answers 403 user_disabled', async () => {
    const admin = await adminSession();
    const email = uniqueEmail();
    const password = uniquePassword();
    const { id } = await registerUser(email, password);
    const pair = await loginPair(email, password);

    const disabled = await call('PATCH', userPath(id), { token: admin.token, json: { disabled: true } });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ id, disabled: true, role: 'user' });
    expectProblem(await call('POST', '/api/v1/users/login', { json: { email, password } }), 403, 'user_disabled');
    expectProblem(await call('POST', '/api/v1/users/login', { json: { email, password: uniquePassword() } }), 401, 'invalid_credentials');
    expectProblem(await call('POST', '/api/v1/users/token/refresh', { json: { refreshToken: pair.refreshToken } }), 401, 'invalid_refresh_token');
    await standingExpires();
    expectProblem(await call('GET', '/api/v1/users/me', { token: pair.accessToken }), 401, 'unauthorized');

    // Enabled again, the user logs in (usable once instances have read it enabled); the sessions from before stay revoked.
    expect((await call('PATCH', userPath(id), { token: admin.token, json: { disabled: false } })).body.disabled).toBe(false);
    const fresh = await loginPair(email, password);
    await standingExpires();
    expect((await call('GET', '/api/v1/users/me', { token: fresh.accessToken })).status).toBe(200);
    expectProblem(await call('GET', '/api/v1/users/me', { token: pair.accessToken }), 401, 'unauthorized');
    expectProblem(await call('POST', '/api/v1/users/token/refresh', { json: { refreshToken: pair.refreshToken } }), 401, 'invalid_refresh_token');
  });

  it('refuses an admin changing its own role or disabling itself (422 self_change_refused), and lets it restate them', async () => {
    const admin = await adminSession();
    expectProblem(await call('PATCH', userPath(admin.id), { token: admin.token, json: { role: 'user' } }), 422, 'self_change_refused');
    expectProblem(await call('PATCH', userPath(admin.id), { token: admin.token, json: { disabled: true } }), 422, 'self_change_refused');
    expectProblem(await call('PATCH', userPath(admin.id), { token: admin.token, json: { role: 'user', disabled: false } }), 422, 'self_change_refused');
    const restated = await call('PATCH', userPath(admin.id), { token: admin.token, json: { role: 'admin', disabled: false } });
    expect(restated.body).toMatchObject({ id: admin.id, role: 'admin', disabled: false });
    expect((await call('GET', `${usersPath}?limit=1`, { token: admin.token })).status).toBe(200);
  });

  it('refuses a user (403), an unknown id (404), an empty or unknown change (400), and no token (401)', async () => {
    const admin = await adminSession();
    const user = await signUp();
    expectProblem(await call('PATCH', userPath(admin.id), { token: user.token, json: { disabled: true } }), 403, 'forbidden');
    expectProblem(await call('PATCH', userPath(user.id), { token: user.token, json: { role: 'admin' } }), 403, 'forbidden');
    expectProblem(await call('PATCH', userPath('00000000-0000-4000-8000-000000000000'), { token: admin.token, json: { disabled: true } }), 404, 'user_not_found');
    expectProblem(await call('PATCH', userPath(user.id), { token: admin.token, json: {} }), 400, 'validation_failed');
    expectProblem(await call('PATCH', userPath(user.id), { token: admin.token, json: { role: 'root' } }), 400, 'validation_failed');
    expectProblem(await call('PATCH', userPath(user.id), { token: admin.token, json: { email: 'x@example.com' } }), 400, 'validation_failed');
    expectProblem(await call('PATCH', userPath(user.id), { json: { disabled: true } }), 401, 'unauthorized');
  });
});
