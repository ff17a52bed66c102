import { randomUUID } from 'node:crypto';
import { call, expectProblem } from '../support/http';
import { adminSession, signUp } from '../support/sessions';

/** Moves money under a fresh key, as a client would, and answers what the API did. */
async function move(token: string, fromAccountId: string, toAccountId: string, amount: number) {
  return call('POST', '/v1/transfers', {
    token, json: { fromAccountId, toAccountId, amount, currency: 'USD' }, headers: { 'Idempotency-Key': randomUUID() },
  });
}

/** An admin with a system account to fund from, a user, and the user's USD account holding `amount`. */
async function world(amount: number) {
  const admin = await adminSession();
  const bank = (await call('POST', '/v1/accounts', { token: admin.token, json: { currency: 'USD', type: 'system' } })).body;
  const user = await signUp();
  const account = (await call('POST', '/v1/accounts', { token: user.token, json: { currency: 'USD', metadata: { customer: 'c-1', empty: '' } } })).body;
  if (amount > 0) expect((await move(admin.token, bank.id, account.id, amount)).status).toBe(201);
  return { admin, bank, user, account };
}

describe('account metadata and PATCH /v1/accounts/{id}', () => {
  it('opens with metadata (without empty values), merges edits, removes keys set to "", and bounds the result', async () => {
    const { admin, user, account } = await world(0);
    expect(account).toMatchObject({ status: 'active', metadata: { customer: 'c-1' } });
    expect(account.metadata).not.toHaveProperty('empty');
    const path = `/v1/accounts/${account.id}`;

    const renamed = await call('PATCH', path, { token: user.token, json: { name: 'Rent', metadata: { order: 'o-9' } } });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ id: account.id, name: 'Rent', metadata: { customer: 'c-1', order: 'o-9' }, balance: 0 });
    const removed = await call('PATCH', path, { token: admin.token, json: { metadata: { customer: '' } } });
    expect(removed.body).toMatchObject({ name: 'Rent', metadata: { order: 'o-9' } });
    expect((await call('GET', path, { token: user.token })).body.metadata).toEqual({ order: 'o-9' });
    expect((await call('PATCH', path, { token: user.token, json: { name: null } })).body.name).toBeNull();

    const twenty = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, 'v']));
    expectProblem(await call('PATCH', path, { token: user.token, json: { metadata: twenty } }), 400, 'validation_failed');
    expectProblem(await call('PATCH', path, { token: user.token, json: {} }), 400, 'validation_failed');
    expectProblem(await call('PATCH', path, { token: user.token, json: { balance: 5 } }), 400, 'validation_failed');
    const stranger = await signUp();
    expectProblem(await call('PATCH', path, { token: stranger.token, json: { name: 'Mine' } }), 404, 'account_not_found');
    expect((await call('GET', path, { token: user.token })).body).toMatchObject({ name: null, metadata: { order: 'o-9' } });
  });
});

describe('freeze, unfreeze and close over HTTP', () => {
  it('a frozen account takes credits and refuses debits; only an admin freezes; unfreezing restores debits', async () => {
    const { admin, bank, user, account } = await world(1_000);
    const path = `/v1/accounts/${account.id}`;
    const stranger = await signUp();
    expectProblem(await call('POST', `${path}/freeze`, { token: stranger.token }), 404, 'account_not_found');
    expectProblem(await call('POST', `${path}/freeze`, { token: user.token }), 403, 'forbidden');
    const frozen = await call('POST', `${path}/freeze`, { token: admin.token });
    expect(frozen.status).toBe(200);
    expect(frozen.body).toMatchObject({ id: account.id, status: 'frozen', balance: 1_000 });
    expect((await call('POST', `${path}/freeze`, { token: admin.token })).body.status).toBe('frozen');

    expectProblem(await move(user.token, account.id, bank.id, 10), 422, 'account_frozen');
    expect((await move(admin.token, bank.id, account.id, 5)).status).toBe(201);
    expect((await call('GET', path, { token: user.token })).body).toMatchObject({ status: 'frozen', balance: 1_005 });

    expectProblem(await call('POST', `${path}/unfreeze`, { token: user.token }), 403, 'forbidden');
    expect((await call('POST', `${path}/unfreeze`, { token: admin.token })).body.status).toBe('active');
    expect((await move(user.token, account.id, bank.id, 1_005)).status).toBe(201);
  });

  it('closes only at balance 0, for good: every movement and status change of a closed account is refused', async () => {
    const { admin, bank, user, account } = await world(300);
    const path = `/v1/accounts/${account.id}`;
    expectProblem(await call('POST', `${path}/close`, { token: user.token }), 422, 'account_not_empty');
    expect((await move(user.token, account.id, bank.id, 300)).status).toBe(201);
    const closed = await call('POST', `${path}/close`, { token: user.token });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'closed', balance: 0 });

    expectProblem(await move(admin.token, bank.id, account.id, 1), 422, 'account_closed');
    expectProblem(await move(user.token, account.id, bank.id, 1), 422, 'account_closed');
    for (const action of ['freeze', 'unfreeze', 'close']) {
      expectProblem(await call('POST', `${path}/${action}`, { token: admin.token }), 422, 'account_closed');
    }
    // Still readable, and still labelled.
    expect((await call('PATCH', path, { token: user.token, json: { metadata: { reason: 'moved abroad' } } })).body)
      .toMatchObject({ status: 'closed', metadata: { customer: 'c-1', reason: 'moved abroad' } });
  });

  it('a frozen account is closed by an admin, not by its owner', async () => {
    const { admin, user, account } = await world(0);
    const path = `/v1/accounts/${account.id}`;
    await call('POST', `${path}/freeze`, { token: admin.token });
    expectProblem(await call('POST', `${path}/close`, { token: user.token }), 422, 'account_frozen');
    expect((await call('POST', `${path}/close`, { token: admin.token })).body.status).toBe('closed');
  });

  it('a hot account changes status and metadata on all its shards', async () => {
    const admin = await adminSession();
    const owner = await signUp();
    const hot = (await call('POST', '/v1/accounts', { token: admin.token, json: { currency: 'USD', ownerId: owner.id, shards: 4 } })).body;
    const path = `/v1/accounts/${hot.id}`;
    expect((await call('PATCH', path, { token: owner.token, json: { metadata: { tier: 'gold' } } })).body)
      .toMatchObject({ shards: 4, metadata: { tier: 'gold' }, balance: 0 });
    expect((await call('POST', `${path}/freeze`, { token: admin.token })).body).toMatchObject({ status: 'frozen', shards: 4 });
    expect((await call('POST', `${path}/unfreeze`, { token: admin.token })).body.status).toBe('active');
    expect((await call('POST', `${path}/close`, { token: owner.token })).body).toMatchObject({ status: 'closed', balance: 0 });
    expect((await call('GET', path, { token: owner.token })).body).toMatchObject({ status: 'closed', metadata: { tier: 'gold' } });
  });
});
