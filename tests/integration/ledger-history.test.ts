/**
 * Balance at a time and statement ranges against DynamoDB Local, through the code the handlers use. The clock is
 * set by hand (only `Date` is faked), so that entries share a millisecond on purpose and a writer whose clock lags
 * behind can be played: the minting rule keeps each shard's entries in time order all the same, and the answers
 * are checked against a plain replay of every entry.
 */
import type { Caller } from '../../lib/identity/model';
import { createAccount, getBalance } from '../../lib/ledger/accounts';
import { reconcileAccounts } from '../../lib/ledger/reconcile';
import { listAccountTransactions } from '../../lib/ledger/transactions';
import { transfer } from '../../lib/ledger/transfers';
import { readShards } from '../../lib/storage/accounts';
import { queryShardLines } from '../../lib/storage/transactions';
import { installAwsModel } from '../support/aws-model';
import { instancesDriver } from '../support/instances';
import { errorOf, newBank, newCaller, newUser } from '../support/ledger-fixtures';

jest.setTimeout(120_000);

/** Fakes `Date` alone (timers, ticks and the SDK's clocks of time spans stay real), starting an hour ago. */
function fakeClock() {
  jest.useFakeTimers({
    doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'setImmediate', 'clearImmediate', 'setInterval',
      'clearInterval', 'setTimeout', 'clearTimeout'],
    now: Date.now() - 3_600_000,
  });
}
afterEach(() => jest.useRealTimers());

const iso = (ms: number) => new Date(ms).toISOString();
const setClock = (ms: number) => jest.setSystemTime(ms);

/** Every statement page of an account for a range, `limit` a page, calling `between` after each page. */
async function pages(caller: Caller, accountId: string, range: { from?: string; to?: string }, limit: number, between = async () => {}) {
  const ids: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await listAccountTransactions(caller, accountId, { limit, cursor, ...range });
    ids.push(...page.data.map((txn) => txn.id));
    cursor = page.nextCursor ?? undefined;
    await between();
  } while (cursor);
  return ids;
}

describe('one shard', () => {
  it('finds the balance at, before and between entries, ties and a lagging clock included, and ranges statements', async () => {
    fakeClock();
    const t0 = Date.now();
    const bank = await newBank();
    const alice = newCaller();
    const account = await createAccount(alice, { currency: 'USD' });
    const sink = await createAccount(newCaller(), { currency: 'USD' });
    const pay = (amount: number) => transfer(alice, { fromAccountId: account.id, toAccountId: sink.id, amount, currency: 'USD' });
    setClock(t0 + 1000);
    const funded = await bank.fund(account, 1000);
    setClock(t0 + 2000);
    const first = await pay(100);
    setClock(t0 + 3000);
    const tied = [await pay(10), await bank.fund(account, 5)];
    // A writer whose clock is 10 s behind: minted at the shards' latest write instead, so its entry stays in order.
    setClock(t0 - 7000);
    const lagging = await pay(1);
    setClock(t0 + 4000);
    const last = await pay(50);
    jest.useRealTimers();

    expect(lagging.transaction.createdAt).toBe(iso(t0 + 3000));
    expect([funded, first, ...tied, last].map((r) => r.transaction.createdAt)).toEqual([1000, 2000, 3000, 3000, 4000].map((ms) => iso(t0 + ms)));
    const at = async (time: string) => (await getBalance(alice, account.id, time)).balance;
    expect(await at(iso(t0 - 60_000))).toBe(0);
    expect(await at(iso(t0 + 999))).toBe(0);
    expect(await at(iso(t0 + 1000))).toBe(1000);
    expect(await at(`${iso(t0 + 1999).slice(0, -1)}999999Z`)).toBe(1000);
    expect(await at(iso(t0 + 2000))).toBe(900);
    expect(await at(`${iso(t0 + 2999).slice(0, -1)}999999Z`)).toBe(900);
    expect(await at(iso(t0 + 3000))).toBe(900 - 10 + 5 - 1);
    expect(await at(iso(t0 + 3500))).toBe(894);
    expect(await at(iso(t0 + 4000))).toBe(844);
    expect(await at(new Date().toISOString())).toBe((await getBalance(alice, account.id)).balance);
    expect(await getBalance(alice, account.id, iso(t0 + 3000))).toEqual({
      accountId: account.id, currency: 'USD', balance: 894, pending: null, available: null, asOf: iso(t0 + 3000),
    });
    expect(await errorOf(() => getBalance(alice, account.id, iso(Date.now() + 60_000)))).toMatchObject({ status: 400, code: 'validation_failed' });

    // `from` inclusive takes every entry of its millisecond; `to` exclusive none of its own.
    const ids = (results: Array<{ transaction: { id: string } }>) => results.map((r) => r.transaction.id).reverse();
    expect(await pages(alice, account.id, { from: iso(t0 + 2000), to: iso(t0 + 4000) }, 1)).toEqual(ids([first, ...tied, lagging]));
    expect(await pages(alice, account.id, { from: iso(t0 + 3000) }, 2)).toEqual(ids([...tied, lagging, last]));
    expect(await pages(alice, account.id, { to: iso(t0 + 3000) }, 100)).toEqual(ids([funded, first]));
    expect(await pages(alice, account.id, { to: iso(t0 + 1000) }, 100)).toEqual([]);
    expect(await pages(alice, account.id, { from: iso(t0 + 4001) }, 100)).toEqual([]);
    expect(await reconcileAccounts([bank.system.id, account.id, sink.id])).toMatchObject({ violations: [] });
  });

  it('pages a range without repeats or gaps while transfers land, some with a clock behind', async () => {
    const bank = await newBank();
    const alice = newCaller();
    const account = await createAccount(alice, { currency: 'USD' });
    await bank.fund(account, 1_000_000);
    const posted: Array<{ id: string; createdAt: string }> = [];
    for (let i = 0; i < 12; i += 1) {
      posted.push((await transfer(alice, { fromAccountId: account.id, toAccountId: bank.system.id, amount: 1 + i, currency: 'USD' })).transaction);
    }
    const range = { from: posted[2]!.createdAt, to: posted[9]!.createdAt };
    const expected = posted.filter((t) => t.createdAt >= range.from && t.createdAt < range.to).map((t) => t.id).reverse();
    // Each page is followed by a transfer from a writer whose clock is behind the range's start.
    const landing = async () => {
      const clock = jest.spyOn(Date, 'now').mockReturnValue(Date.parse(range.from) - 5000);
      try {
        await transfer(alice, { fromAccountId: account.id, toAccountId: bank.system.id, amount: 1, currency: 'USD' });
      } finally {
        clock.mockRestore();
      }
    };
    expect(await pages(alice, account.id, range, 2, landing)).toEqual(expected);
    expect(await reconcileAccounts([bank.system.id, account.id])).toMatchObject({ violations: [] });
  });
});

describe('a hot account of several shards', () => {
  const driver = instancesDriver(4);
  driver.clients.forEach((client) => installAwsModel(client));

  it('is exact at every time of its history, sweeps included, and its ranged statement shows each transfer once', async () => {
    const bank = await newBank();
    const owner = await newUser();
    const merchant = await createAccount(bank.admin, { currency: 'USD', ownerId: owner.userId, shards: 4 });
    const payout = await createAccount(owner, { currency: 'USD' });
    const payers = await Promise.all(Array.from({ length: 4 }, async () => {
      const caller = newCaller();
      const account = await createAccount(caller, { currency: 'USD' });
      await bank.fund(account, 100_000);
      return { caller, id: account.id };
    }));
    for (let round = 0; round < 4; round += 1) {
      await Promise.all(payers.map(({ caller, id }, i) => driver.transfer(caller, { fromAccountId: id, toAccountId: merchant.id, amount: 100 * (i + 1), currency: 'USD' }, `pay-${round}-${i}`)));
      // Payouts from shard 0, which takes a sweep of the shards the payments landed on.
      expect(await driver.transfer(owner, { fromAccountId: merchant.id, toAccountId: payout.id, amount: 150, currency: 'USD' }, `out-${round}`)).toMatchObject({ status: 201 });
    }
    const shards = await readShards({ ...merchant, shard: 0, seq: 0 });
    // Shard 0 (sweeps in, payouts out) and the shards the instances took payments on.
    expect(shards.filter((shard) => shard.seq > 0).length).toBeGreaterThanOrEqual(2);
    // Every entry of every shard: the plain replay that each answer is checked against.
    const lines = (await Promise.all(shards.map((shard) => queryShardLines(merchant.id, shard.shard, 100)))).flatMap((read) => read.lines);
    const entries = lines.map(({ transaction }) => ({
      createdAt: transaction.createdAt,
      kind: transaction.kind,
      id: transaction.id,
      delta: transaction.entries.filter((e) => e.accountId === merchant.id).reduce((sum, e) => sum + (e.direction === 'credit' ? e.amount : -e.amount), 0),
    }));
    expect(entries.some((e) => e.kind === 'sweep')).toBe(true);
    const replayAt = (ms: number) => entries.filter((e) => Date.parse(e.createdAt) <= ms).reduce((sum, e) => sum + e.delta, 0);
    const times = [...new Set(entries.map((e) => Date.parse(e.createdAt)))].sort((a, b) => a - b);
    for (const ms of [times[0]! - 1, ...times.flatMap((t) => [t, t + 0.5])]) {
      const time = Number.isInteger(ms) ? iso(ms) : `${iso(Math.floor(ms)).slice(0, -1)}5Z`;
      expect([time, (await getBalance(owner, merchant.id, time)).balance]).toEqual([time, replayAt(ms)]);
    }
    expect((await getBalance(owner, merchant.id, new Date().toISOString())).balance).toBe((await getBalance(owner, merchant.id)).balance);

    const from = iso(times[2]!);
    const to = iso(times.at(-3)!);
    const inRange = new Set(entries.filter((e) => e.kind === 'transfer' && e.createdAt >= from && e.createdAt < to).map((e) => e.id));
    const landing = async () => {
      await driver.transfer(payers[0]!.caller, { fromAccountId: payers[0]!.id, toAccountId: merchant.id, amount: 1, currency: 'USD' }, `late-${Math.random()}`);
    };
    const shown = await pages(owner, merchant.id, { from, to }, 3, landing);
    expect(shown.length).toBe(inRange.size);
    expect(new Set(shown)).toEqual(inRange);
    expect(await reconcileAccounts([bank.system.id, merchant.id, payout.id, ...payers.map((p) => p.id)])).toMatchObject({ violations: [] });
  });
});
