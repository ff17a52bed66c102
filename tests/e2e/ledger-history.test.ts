/**
 * An account's history over HTTP: its balance at any past time (`?at=`) and its statement in a time range
 * (`?from=&to=`), as a client asks for them, with exact times taken from the transactions the API answered.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { call, expectProblem } from '../support/http';
import { adminSession, signUp } from '../support/sessions';

jest.setTimeout(60_000);

/** A time a little after `iso` (ms precision) and before the next millisecond: `…26.558Z` → `…26.5585Z`. */
const halfMsAfter = (iso: string) => iso.replace(/Z$/, '5Z');
const msBefore = (iso: string) => new Date(Date.parse(iso) - 1).toISOString();
const q = (params: Record<string, string | undefined>) => new URLSearchParams(
  Object.entries(params).filter((entry): entry is [string, string] => entry[1] !== undefined),
).toString();

/** An admin, a system account, a user's account funded from it, and `count` payments out of it, a few ms apart. */
async function history(count: number, shards = 1) {
  const admin = await adminSession();
  const bank = await call('POST', '/v1/accounts', { token: admin.token, json: { currency: 'USD', type: 'system', shards } });
  const user = await signUp();
  const account = await call('POST', '/v1/accounts', { token: user.token, json: { currency: 'USD' } });
  const post = async (token: string, fromAccountId: string, toAccountId: string, amount: number) => {
    await sleep(3);
    const answer = await call('POST', '/v1/transfers', {
      token, json: { fromAccountId, toAccountId, amount, currency: 'USD' }, headers: { 'Idempotency-Key': `h-${Math.random()}` },
    });
    expect(answer.status).toBe(201);
    return answer.body as { id: string; createdAt: string };
  };
  const posted = [await post(admin.token, bank.body.id, account.body.id, 10_000)];
  for (let i = 1; i <= count; i += 1) posted.push(await post(user.token, account.body.id, bank.body.id, i * 100));
  return { admin, user, bank: bank.body, account: account.body, posted, post };
}

describe('balance at a time', () => {
  it('answers the balance after the last entry at or before `at`, 0 before the first, with asOf = at', async () => {
    const { user, account, posted } = await history(3);
    const path = `/v1/accounts/${account.id}/balance`;
    const at = async (time: string) => {
      const answer = await call('GET', `${path}?${q({ at: time })}`, { token: user.token });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ accountId: account.id, currency: 'USD', asOf: time });
      return answer.body.balance as number;
    };
    const after = [10_000, 9_900, 9_700, 9_400];
    expect(await at(msBefore(account.createdAt))).toBe(0);
    expect(await at(msBefore(posted[0]!.createdAt))).toBe(0);
    for (const [index, txn] of posted.entries()) {
      expect(await at(txn.createdAt)).toBe(after[index]);
      expect(await at(halfMsAfter(txn.createdAt))).toBe(after[index]);
    }
    // The same instant in another offset, and with nanoseconds.
    const last = posted.at(-1)!.createdAt;
    const shifted = new Date(Date.parse(last) + 3_600_000).toISOString().replace(/Z$/, '000000+01:00');
    expect(await at(shifted)).toBe(9_400);
    // One nanosecond before the last payment: the one before it.
    expect(await at(msBefore(last).replace(/Z$/, '999999Z'))).toBe(9_700);
    const now = await call('GET', path, { token: user.token });
    expect(now.body.balance).toBe(9_400);
  });

  it('refuses a malformed or future `at` (400), and another user\'s account (404)', async () => {
    const { user, account } = await history(0);
    const path = `/v1/accounts/${account.id}/balance`;
    for (const bad of ['2026-12-06', 'yesterday', '2026-12-06T10:00:00', '2026-13-01T00:00:00Z', '2026-12-06T10:00:00.1234567890Z']) {
      expectProblem(await call('GET', `${path}?${q({ at: bad })}`, { token: user.token }), 400, 'validation_failed');
    }
    const future = await call('GET', `${path}?${q({ at: new Date(Date.now() + 60_000).toISOString() })}`, { token: user.token });
    expectProblem(future, 400, 'validation_failed');
    expect(future.body.errors).toEqual([expect.objectContaining({ path: 'query.at' })]);
    const other = await signUp();
    expectProblem(await call('GET', `${path}?${q({ at: account.createdAt })}`, { token: other.token }), 404, 'account_not_found');
  });

  it('is exact on a hot account of several shards', async () => {
    const { admin, bank, posted } = await history(3, 4);
    const at = async (time: string) => (await call('GET', `/v1/accounts/${bank.id}/balance?${q({ at: time })}`, { token: admin.token })).body.balance;
    expect(await at(msBefore(posted[0]!.createdAt))).toBe(0);
    expect(await at(posted[0]!.createdAt)).toBe(-10_000);
    expect(await at(halfMsAfter(posted[2]!.createdAt))).toBe(-9_700);
    expect(await at(posted[3]!.createdAt)).toBe(-9_400);
  });
});

describe('statements in a time range', () => {
  it('shows what was posted at or after `from` and before `to`, a page at a time, while new transfers land', async () => {
    const { user, account, bank, posted, post } = await history(5);
    const path = `/v1/accounts/${account.id}/transactions`;
    const range = { from: posted[1]!.createdAt, to: posted[4]!.createdAt };
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await call('GET', `${path}?${q({ ...range, limit: '1', cursor })}`, { token: user.token });
      expect(page.status).toBe(200);
      ids.push(...page.body.data.map((txn: { id: string }) => txn.id));
      cursor = page.body.nextCursor ?? undefined;
      await post(user.token, account.id, bank.id, 1);
    } while (cursor);
    expect(ids).toEqual([posted[3]!.id, posted[2]!.id, posted[1]!.id]);

    const fromOnly = await call('GET', `${path}?${q({ from: posted[4]!.createdAt, limit: '100' })}`, { token: user.token });
    expect(fromOnly.body.data.map((txn: { id: string }) => txn.id).slice(-2)).toEqual([posted[5]!.id, posted[4]!.id]);
    const toOnly = await call('GET', `${path}?${q({ to: halfMsAfter(posted[0]!.createdAt) })}`, { token: user.token });
    expect(toOnly.body).toEqual({ data: [expect.objectContaining({ id: posted[0]!.id })], nextCursor: null });
  });

  it('refuses from ≥ to, and a cursor with another range than the one it came from', async () => {
    const { user, account, posted } = await history(3);
    const path = `/v1/accounts/${account.id}/transactions`;
    const equal = await call('GET', `${path}?${q({ from: posted[1]!.createdAt, to: posted[1]!.createdAt })}`, { token: user.token });
    expectProblem(equal, 400, 'validation_failed');
    expect(equal.body.errors).toEqual([expect.objectContaining({ path: 'query.to' })]);
    const range = { from: posted[0]!.createdAt, to: posted[3]!.createdAt };
    const first = await call('GET', `${path}?${q({ ...range, limit: '1' })}`, { token: user.token });
    const cursor = first.body.nextCursor as string;
    expect(typeof cursor).toBe('string');
    for (const other of [{}, { from: range.from }, { ...range, to: posted[2]!.createdAt }]) {
      expectProblem(await call('GET', `${path}?${q({ ...other, cursor })}`, { token: user.token }), 400, 'invalid_cursor');
    }
    const unranged = (await call('GET', `${path}?${q({ limit: '1' })}`, { token: user.token })).body.nextCursor as string;
    expectProblem(await call('GET', `${path}?${q({ ...range, cursor: unranged })}`, { token: user.token }), 400, 'invalid_cursor');
    const next = await call('GET', `${path}?${q({ ...range, limit: '1', cursor })}`, { token: user.token });
    expect(next.status).toBe(200);
    expect(next.body.data[0].id).toBe(posted[1]!.id);
  });

  it('pages a hot account\'s statement in a range', async () => {
    const { admin, bank, posted } = await history(4, 4);
    const path = `/v1/accounts/${bank.id}/transactions`;
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await call('GET', `${path}?${q({ from: posted[1]!.createdAt, to: posted[4]!.createdAt, limit: '2', cursor })}`, { token: admin.token });
      expect(page.status).toBe(200);
      ids.push(...page.body.data.map((txn: { id: string }) => txn.id));
      cursor = page.body.nextCursor ?? undefined;
    } while (cursor);
    expect(ids).toEqual([posted[3]!.id, posted[2]!.id, posted[1]!.id]);
  });
});
