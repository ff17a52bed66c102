import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../../lib/config';
import { standingCacheMs } from '../../lib/identity/standing';
import { db } from '../../lib/storage/client';
import { keys } from '../../lib/storage/keys';
import { updateUser } from '../../lib/storage/users';
import { call, expectProblem } from '../support/http';
import { adminSession, signUp } from '../support/sessions';

/** Waits out every instance's cached standing. */
const standingExpires = () => new Promise((resolve) => setTimeout(resolve, standingCacheMs + 250));

describe("a token's power comes from the user as stored, not from the token", () => {
  it('a demoted admin keeps its token but loses admin power within the cache time', async () => {
    const admin = await adminSession();
    const victim = await signUp();
    const asAdmin = { token: admin.token };
    expect((await call('GET', `/v1/accounts?ownerId=${victim.id}`, asAdmin)).status).toBe(200);

    await updateUser(admin.id, { role: 'user' });
    await standingExpires();

    expectProblem(await call('GET', `/v1/accounts?ownerId=${victim.id}`, asAdmin), 403, 'forbidden');
    expectProblem(await call('POST', '/v1/accounts', { ...asAdmin, json: { currency: 'USD', type: 'system' } }), 403, 'forbidden');
    expect((await call('GET', '/api/v1/users/me', asAdmin)).body.role).toBe('user');
  });

  it("a deleted user's token is refused like a bad one", async () => {
    const user = await signUp();
    expect((await call('GET', '/v1/accounts', { token: user.token })).status).toBe(200);

    await db.send(new DeleteCommand({ TableName: config.tableName, Key: keys.user(user.id) }));
    await standingExpires();

    expectProblem(await call('GET', '/v1/accounts', { token: user.token }), 401, 'unauthorized');
    expectProblem(await call('POST', '/v1/accounts', { token: user.token, json: { currency: 'USD' } }), 401, 'unauthorized');
  });
});
