import { randomUUID } from 'node:crypto';
import { call, expectProblem } from '../support/http';
import { adminSession, signUp } from '../support/sessions';

/** A user with one USD account funded by an admin from a system account. */
async function fundedUser(amount: number) {
  const admin = await adminSession();
  const bank = await call('POST', '/v1/accounts', { token: admin.token, json: { currency: 'USD', type: 'system', name: 'Bank' } });
  const user = await signUp();
  const account = await call('POST', '/v1/accounts', { token: user.token, json: { currency: 'USD', name: 'Main' } });
  if (amount > 0) {
    const funding = await call('POST', '/v1/transfers', {
      token: admin.token,
      json: { fromAccountId: bank.body.id, toAccountId: account.body.id, amount, currency: 'USD' },
      headers: { 'Idempotency-Key': `fund-${account.body.id}` },
    });
    if (funding.status !== 201) throw new Error(`funding answered ${funding.status}`);
  }
  return { admin, bank: bank.body, user, account: account.body };
}

describe('ledger over HTTP', () => {
  it('opens an account, funds it from a system account, and transfers under a key, which a retry replays', async () => {
    const alice = await fundedUser(10_000);
    const bob = await signUp();
    const bobs = await call('POST', '/v1/accounts', { token: bob.token, json: { currency: 'USD' } });
    expect(bobs.status).toBe(201);
    expect(bobs.body).toMatchObject({ ownerId: bob.id, type: 'user', currency: 'USD', name: null, balance: 0 });

    const body = { fromAccountId: alice.account.id, toAccountId: bobs.body.id, amount: 1_250, currency: 'USD', description: 'rent' };
    const keyed = await call('POST', '/v1/transfers', { token: alice.user.token, json: body, headers: { 'Idempotency-Key': 'rent-2026-11' } });
    const replay = await call('POST', '/v1/transfers', { token: alice.user.token, json: body, headers: { 'Idempotency-Key': 'rent-2026-11' } });
    const plain = await call('POST', '/v1/transfers', { token: alice.user.token, json: { ...body, amount: 750 }, headers: { 'Idempotency-Key': 'rent-2026-12' } });
    const keyless = await call('POST', '/v1/transfers', { token: alice.user.token, json: { ...body, amount: 1 } });
    expect([keyless.status, keyless.body.code]).toEqual([400, 'idempotency_key_required']);

    expect(keyed.status).toBe(201);
    expect(keyed.headers.get('idempotent-replayed')).toBeNull();
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body).toEqual(keyed.body);
    expect(plain.status).toBe(201);
    // Each side sees the balance its own entry leaves, never the other side's.
    expect(plain.body.entries).toEqual([
      { accountId: alice.account.id, direction: 'debit', amount: 750, currency: 'USD', balanceAfter: 8_000 },
      { accountId: bobs.body.id, direction: 'credit', amount: 750, currency: 'USD', balanceAfter: null },
    ]);
    expect(plain.body).not.toHaveProperty('initiatedBy');

    const balance = await call('GET', `/v1/accounts/${alice.account.id}/balance`, { token: alice.user.token });
    expect(balance.body).toMatchObject({ accountId: alice.account.id, currency: 'USD', balance: 8_000 });
    const seenByBob = await call('GET', `/v1/transactions/${keyed.body.id}`, { token: bob.token });
    expect(seenByBob.status).toBe(200);
    expect(seenByBob.body.entries.map((e: { balanceAfter: number | null }) => e.balanceAfter)).toEqual([null, 1_250]);
    const statement = await call('GET', `/v1/accounts/${bobs.body.id}/transactions`, { token: bob.token });
    expect(statement.body.data.map((t: { id: string }) => t.id)).toEqual([plain.body.id, keyed.body.id]);
    expect(statement.body.data[0].entries.map((e: { balanceAfter: number | null }) => e.balanceAfter)).toEqual([null, 2_000]);

    // The admin sees both balances, and who moved the money from where: the audit trail.
    const seenByAdmin = await call('GET', `/v1/transactions/${keyed.body.id}`, { token: alice.admin.token });
    expect(seenByAdmin.body.entries.map((e: { balanceAfter: number | null }) => e.balanceAfter)).toEqual([8_750, 1_250]);
    expect(seenByAdmin.body.initiatedBy).toMatchObject({ userId: alice.user.id, role: 'user' });
    expect(typeof seenByAdmin.body.initiatedBy.requestId).toBe('string');
    expect(typeof seenByAdmin.body.initiatedBy.sourceIp).toBe('string');
    const adminStatement = await call('GET', `/v1/accounts/${bobs.body.id}/transactions`, { token: alice.admin.token });
    expect(adminStatement.body.data[1].initiatedBy).toEqual(seenByAdmin.body.initiatedBy);
    expect(statement.body.nextCursor).toBeNull();
  });

  it('refuses two Idempotency-Key values (400) and two Authorization values (401), and posts nothing', async () => {
    const alice = await fundedUser(1_000);
    const body = { fromAccountId: alice.account.id, toAccountId: alice.bank.id, amount: 1, currency: 'USD' };
    const twoKeys = await call('POST', '/v1/transfers', { token: alice.user.token, json: body, headers: { 'Idempotency-Key': 'k-1,k-2' } });
    expectProblem(twoKeys, 400, 'validation_failed');
    const twoTokens = await call('POST', '/v1/transfers', {
      json: body, headers: { authorization: `Bearer ${alice.user.token}, Bearer ${alice.user.token}` },
    });
    expectProblem(twoTokens, 401, 'unauthorized');
    const balance = await call('GET', `/v1/accounts/${alice.account.id}/balance`, { token: alice.user.token });
    expect(balance.body.balance).toBe(1_000);
  });

  it('answers each business rule with its problem code', async () => {
    const alice = await fundedUser(1_000);
    const eur = await call('POST', '/v1/accounts', { token: alice.user.token, json: { currency: 'EUR' } });
    const other = await call('POST', '/v1/accounts', { token: (await signUp()).token, json: { currency: 'USD' } });
    const send = (body: Record<string, unknown>, headers: Record<string, string> = {}) => call('POST', '/v1/transfers', {
      token: alice.user.token, json: { currency: 'USD', amount: 1, ...body }, headers: { 'Idempotency-Key': randomUUID(), ...headers },
    });
    const from = alice.account.id;

    const cases: Array<[Promise<{ status: number; body: { code: string }; headers: Headers }>, number, string]> = [
      [send({ fromAccountId: from, toAccountId: other.body.id, amount: 1_001 }), 422, 'insufficient_funds'],
      [send({ fromAccountId: from, toAccountId: eur.body.id }), 422, 'currency_mismatch'],
      [send({ fromAccountId: from, toAccountId: from }), 422, 'same_account'],
      [send({ fromAccountId: other.body.id, toAccountId: from }), 404, 'account_not_found'],
      [send({ fromAccountId: from, toAccountId: 'missing' }), 404, 'account_not_found'],
      [send({ fromAccountId: alice.bank.id, toAccountId: from }), 404, 'account_not_found'],
      [send({ fromAccountId: from, toAccountId: other.body.id, amount: '5' }), 400, 'validation_failed'],
      [send({ fromAccountId: from, toAccountId: other.body.id, amount: 1.5 }), 400, 'validation_failed'],
      [send({ fromAccountId: from, toAccountId: other.body.id, amount: 0 }), 400, 'validation_failed'],
      [send({ fromAccountId: from, toAccountId: other.body.id, amount: -5 }), 400, 'validation_failed'],
      [send({ fromAccountId: from, toAccountId: other.body.id, amount: null }), 400, 'validation_failed'],
      [send({ fromAccountId: from, toAccountId: other.body.id, amount: 2 ** 53 }), 400, 'validation_failed'],
      [send({ fromAccountId: from, toAccountId: other.body.id, currency: 'usd' }), 400, 'validation_failed'],
      [send({ fromAccountId: from, toAccountId: other.body.id, currency: 'XYZ' }), 400, 'validation_failed'],
      [send({ fromAccountId: from, toAccountId: other.body.id, description: 'x'.repeat(281) }), 400, 'validation_failed'],
      [send({ fromAccountId: from, toAccountId: other.body.id, memo: 'unknown field' }), 400, 'validation_failed'],
      [send({ fromAccountId: from, toAccountId: other.body.id }, { 'Idempotency-Key': 'k'.repeat(256) }), 400, 'validation_failed'],
    ];

    for (const [pending, status, code] of cases) {
      const response = await pending;
      expect({ status: response.status, code: response.body.code }).toEqual({ status, code });
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    const balance = await call('GET', `/v1/accounts/${from}/balance`, { token: alice.user.token });
    expect(balance.body.balance).toBe(1_000);
  });

  it('binds a refusal to its key: a retry replays it even once funds arrive, and another body under it is refused', async () => {
    const alice = await fundedUser(100);
    const bobs = await call('POST', '/v1/accounts', { token: (await signUp()).token, json: { currency: 'USD' } });
    const body = { fromAccountId: alice.account.id, toAccountId: bobs.body.id, amount: 500, currency: 'USD' };
    const send = (json: Record<string, unknown>, key: string) =>
      call('POST', '/v1/transfers', { token: alice.user.token, json, headers: { 'Idempotency-Key': key } });

    const refused = await send(body, 'pay-500');
    expect([refused.status, refused.body.code]).toEqual([422, 'insufficient_funds']);
    const topUp = await call('POST', '/v1/transfers', {
      token: alice.admin.token,
      json: { fromAccountId: alice.bank.id, toAccountId: alice.account.id, amount: 1_000, currency: 'USD' },
      headers: { 'Idempotency-Key': `top-up-${alice.account.id}` },
    });
    expect(topUp.status).toBe(201);

    const retried = await send(body, 'pay-500');
    expect(retried.status).toBe(422);
    expect(retried.body).toEqual(refused.body);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect(retried.headers.get('content-type')).toContain('application/problem+json');
    const otherBody = await send({ ...body, amount: 50 }, 'pay-500');
    expect([otherBody.status, otherBody.body.code]).toEqual([422, 'idempotency_key_reused']);
    // A 404 binds nothing: the same key then posts once the request is right.
    const missing = await send({ ...body, toAccountId: 'no-such-account' }, 'pay-later');
    expect([missing.status, missing.body.code]).toEqual([404, 'account_not_found']);
    expect((await send(body, 'pay-later')).status).toBe(201);

    const balance = await call('GET', `/v1/accounts/${alice.account.id}/balance`, { token: alice.user.token });
    expect(balance.body.balance).toBe(100 + 1_000 - 500);
  });

  it("answers 404 for another user's ids on every route, and 403 for admin-only actions", async () => {
    const victim = await fundedUser(500);
    const victimTxn = (await call('GET', `/v1/accounts/${victim.account.id}/transactions`, { token: victim.user.token })).body.data[0];
    const mallory = await signUp();
    const malloryAccount = await call('POST', '/v1/accounts', { token: mallory.token, json: { currency: 'USD' } });
    const as = { token: mallory.token };

    const notFound = [
      await call('GET', `/v1/accounts/${victim.account.id}`, as),
      await call('GET', `/v1/accounts/${victim.account.id}/balance`, as),
      await call('GET', `/v1/accounts/${victim.account.id}/transactions`, as),
      await call('GET', `/v1/transactions/${victimTxn.id}`, as),
      await call('POST', '/v1/transfers', {
        ...as,
        json: { fromAccountId: victim.account.id, toAccountId: malloryAccount.body.id, amount: 1, currency: 'USD' },
        headers: { 'Idempotency-Key': 'steal-1' },
      }),
    ];
    expect(notFound.map((r) => r.status)).toEqual([404, 404, 404, 404, 404]);
    expect(notFound[3]!.body.code).toBe('transaction_not_found');

    const forbidden = [
      await call('POST', '/v1/accounts', { ...as, json: { currency: 'USD', type: 'system' } }),
      await call('POST', '/v1/accounts', { ...as, json: { currency: 'USD', ownerId: victim.user.id } }),
      await call('GET', `/v1/accounts?ownerId=${victim.user.id}`, as),
    ];
    expect(forbidden.map((r) => [r.status, r.body.code])).toEqual(Array(3).fill([403, 'forbidden']));

    const adminView = await call('GET', `/v1/accounts?ownerId=${victim.user.id}`, { token: victim.admin.token });
    expect(adminView.body.data.map((a: { id: string }) => a.id)).toEqual([victim.account.id]);
  });

  it('lets an admin open an account for an existing user, and refuses an ownerId no user has', async () => {
    const admin = await adminSession();
    const user = await signUp();
    const opened = await call('POST', '/v1/accounts', { token: admin.token, json: { currency: 'EUR', ownerId: user.id } });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ ownerId: user.id, type: 'user', currency: 'EUR', balance: 0 });
    const listed = await call('GET', '/v1/accounts', { token: user.token });
    expect(listed.body.data.map((a: { id: string }) => a.id)).toEqual([opened.body.id]);
    const nobody = await call('POST', '/v1/accounts', { token: admin.token, json: { currency: 'EUR', ownerId: 'no-such-user' } });
    expect([nobody.status, nobody.body.code]).toEqual([404, 'user_not_found']);
  });

  it('posts exactly 7 of 20 concurrent transfers of 1000 against 7500', async () => {
    const alice = await fundedUser(7_500);
    const bob = await signUp();
    const bobs = await call('POST', '/v1/accounts', { token: bob.token, json: { currency: 'USD' } });

    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => call('POST', '/v1/transfers', {
      token: alice.user.token,
      json: { fromAccountId: alice.account.id, toAccountId: bobs.body.id, amount: 1_000, currency: 'USD' },
      headers: { 'Idempotency-Key': `burst-${i}` },
    })));

    const posted = responses.filter((r) => r.status === 201).length;
    const refused = responses.filter((r) => r.status !== 201);
    const balance = await call('GET', `/v1/accounts/${alice.account.id}/balance`, { token: alice.user.token });
    expect(balance.body.balance).toBe(7_500 - 1_000 * posted);
    if (process.env.API_MODEL !== 'lambda') {
      // In one process the queue lines them up: exactly 7 post and every other one is refused for funds.
      expect(posted).toBe(7);
      expect(refused.filter((r) => r.status === 422 && r.body.code === 'insufficient_funds')).toHaveLength(13);
      return;
    }
    // Across Lambda instances they race on the account, one winner a round, and a loser may run out of retries
    // before the funds run out: 503 ledger_busy, with nothing written (a hot account across instances is its own
    // issue). Never more than 7 post, and a refusal for funds means all 7 did.
    expect(posted).toBeGreaterThan(0);
    expect(posted).toBeLessThanOrEqual(7);
    for (const r of refused) {
      expect([[422, 'insufficient_funds'], [503, 'ledger_busy']]).toContainEqual([r.status, r.body.code]);
    }
    if (refused.some((r) => r.body.code === 'insufficient_funds')) expect(posted).toBe(7);
  });

  it('pages through a statement, newest first, visiting every transaction once while new ones land', async () => {
    const alice = await fundedUser(100_000);
    const sink = await call('POST', '/v1/accounts', { token: (await signUp()).token, json: { currency: 'USD' } });
    const pay = (amount: number) => call('POST', '/v1/transfers', {
      token: alice.user.token,
      json: { fromAccountId: alice.account.id, toAccountId: sink.body.id, amount, currency: 'USD' },
      headers: { 'Idempotency-Key': randomUUID() },
    });
    for (let i = 1; i <= 12; i += 1) await pay(i);
    const existing = (await call('GET', `/v1/accounts/${alice.account.id}/transactions?limit=100`, { token: alice.user.token })).body.data;

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `limit=5${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await call('GET', `/v1/accounts/${alice.account.id}/transactions?${query}`, { token: alice.user.token });
      expect(page.status).toBe(200);
      seen.push(...page.body.data.map((t: { id: string }) => t.id));
      cursor = page.body.nextCursor;
      await pay(1_000);
    } while (cursor);

    expect(existing).toHaveLength(13);
    expect(seen).toEqual(existing.map((t: { id: string }) => t.id));
    const badCursor = await call('GET', `/v1/accounts/${alice.account.id}/transactions?cursor=bogus`, { token: alice.user.token });
    expect([badCursor.status, badCursor.body.code]).toEqual([400, 'invalid_cursor']);
  });

  it("refuses one account's statement cursor on another account's statement, and an altered one (400 invalid_cursor)", async () => {
    const alice = await fundedUser(1_000);
    const second = await call('POST', '/v1/accounts', { token: alice.user.token, json: { currency: 'USD' } });
    for (let i = 1; i <= 2; i += 1) {
      await call('POST', '/v1/transfers', {
        token: alice.user.token,
        json: { fromAccountId: alice.account.id, toAccountId: second.body.id, amount: i, currency: 'USD' },
        headers: { 'Idempotency-Key': randomUUID() },
      });
    }
    const statement = (id: string, cursor: string) => call('GET', `/v1/accounts/${id}/transactions?limit=1&cursor=${cursor}`, { token: alice.user.token });
    const first = await call('GET', `/v1/accounts/${alice.account.id}/transactions?limit=1`, { token: alice.user.token });
    const cursor = first.body.nextCursor as string;
    expect((await statement(alice.account.id, cursor)).status).toBe(200);
    expect((await statement(second.body.id, cursor)).body.code).toBe('invalid_cursor');
    const raw = Buffer.from(cursor, 'base64url');
    raw[raw.length - 20]! ^= 0x01;
    expectProblem(await statement(alice.account.id, raw.toString('base64url')), 400, 'invalid_cursor');
    const accountsCursor = (await call('GET', '/v1/accounts?limit=1', { token: alice.user.token })).body.nextCursor as string;
    expectProblem(await statement(alice.account.id, accountsCursor), 400, 'invalid_cursor');
  });

  it('serves an OpenAPI 3.1 document', async () => {
    const response = await call('GET', '/openapi.json');
    expect(response.status).toBe(200);
    expect(response.body.openapi).toBe('3.1.0');
    expect(Object.keys(response.body.paths)).toContain('/v1/transfers');
  });
});
