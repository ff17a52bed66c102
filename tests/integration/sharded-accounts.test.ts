/**
 * Hot accounts against DynamoDB Local, in the Lambda model: several ledger instances (each its own module state,
 * queue and client, serving one request at a time) write one merchant and one settlement account of many shards,
 * with DynamoDB's concurrency rules applied on their wire. Every payment posts once, the merchant pays out while
 * being paid and never goes below 0, the balance is the sum of the shards, the statement shows each transfer once
 * across pages, and the accounts reconcile.
 */
import type { Caller } from '../../lib/identity/model';
import { createAccount, getAccount, getBalance } from '../../lib/ledger/accounts';
import { reconcileAccounts } from '../../lib/ledger/reconcile';
import { getTransaction } from '../../lib/ledger/transaction-read';
import { listAccountTransactions } from '../../lib/ledger/transactions';
import { transfer } from '../../lib/ledger/transfers';
import { readShards } from '../../lib/storage/accounts';
import { queryShardLines } from '../../lib/storage/transactions';
import { installAwsModel, type AwsModelCounts } from '../support/aws-model';
import { instancesDriver } from '../support/instances';
import { errorOf, newBank, newCaller, newUser } from '../support/ledger-fixtures';

jest.setTimeout(120_000);

const instancesCount = 8;
const driver = instancesDriver(instancesCount);
const counts: AwsModelCounts[] = driver.clients.map((client) => installAwsModel(client));
const conflicts = () => counts.reduce((sum, count) => sum + count.conflicts, 0);

/** An admin, a hot merchant account of `shards` shards owned by a stored user, and `count` funded payers. */
async function world(count: number, shards: number) {
  const bank = await newBank();
  const owner = await newUser();
  const merchant = await createAccount(bank.admin, { currency: 'USD', ownerId: owner.userId, shards, name: 'Hot merchant' });
  const payers: Array<{ caller: Caller; id: string }> = [];
  for (let i = 0; i < count; i += 1) {
    const caller = newCaller();
    const account = await createAccount(caller, { currency: 'USD' });
    await bank.fund(account, 1_000_000);
    payers.push({ caller, id: account.id });
  }
  return { bank, owner, merchant, payers };
}

/** Every page of an account's statement, as `caller` reads it, `limit` a page. */
async function wholeStatement(caller: Caller, accountId: string, limit: number) {
  const shown: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await listAccountTransactions(caller, accountId, { limit, cursor });
    shown.push(...page.data.map((txn) => txn.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return shown;
}

test('only an admin opens a hot account; it shows its shards, and reads as one account', async () => {
  const owner = await newUser();
  expect(await errorOf(() => createAccount(owner, { currency: 'USD', shards: 4 }))).toMatchObject({ status: 403, code: 'forbidden' });
  const hot = await createAccount(newCaller('admin'), { currency: 'USD', ownerId: owner.userId, shards: 4 });
  expect(hot).toMatchObject({ ownerId: owner.userId, shards: 4, balance: 0 });
  expect(await getAccount(owner, hot.id)).toMatchObject({ id: hot.id, shards: 4, balance: 0 });
  expect((await readShards({ ...hot, shard: 0, seq: 0 })).map((shard) => [shard.shard, shard.balance, shard.currency])).toEqual([
    [0, 0, 'USD'], [1, 0, 'USD'], [2, 0, 'USD'], [3, 0, 'USD'],
  ]);
});

test('payers on eight instances pay one merchant of sixteen shards while it pays out: none lost, never below 0', async () => {
  const { bank, owner, merchant, payers } = await world(8, 16);
  const payout = await createAccount(owner, { currency: 'USD', name: 'Bank account' });
  const conflictsBefore = conflicts();
  const rounds = 10;
  const answers = await Promise.all(payers.map(async ({ caller, id }, worker) => {
    const outcomes: Array<{ kind: 'pay' | 'payout'; status: number; code?: string; amount: number }> = [];
    for (let round = 0; round < rounds; round += 1) {
      const amount = 100 + worker;
      outcomes.push({ kind: 'pay', amount, ...await driver.transfer(caller, { fromAccountId: id, toAccountId: merchant.id, amount, currency: 'USD' }, `pay-${worker}-${round}`) });
      // One payout for every ten payments, by the merchant's owner, of more than any one payment brings.
      if ((worker * rounds + round) % 10 === 9) {
        const body = { fromAccountId: merchant.id, toAccountId: payout.id, amount: 350, currency: 'USD' as const };
        outcomes.push({ kind: 'payout', amount: 350, ...await driver.transfer(owner, body, `payout-${worker}-${round}`) });
      }
    }
    return outcomes;
  }));
  const all = answers.flat();
  expect(driver.unexpected).toEqual([]);
  expect(all.filter((a) => a.status !== 201 && a.code !== 'insufficient_funds')).toEqual([]);
  expect(all.filter((a) => a.kind === 'pay' && a.status !== 201)).toEqual([]);
  const paidIn = all.filter((a) => a.kind === 'pay').reduce((sum, a) => sum + a.amount, 0);
  const paidOut = all.filter((a) => a.kind === 'payout' && a.status === 201).reduce((sum, a) => sum + a.amount, 0);
  expect(paidOut).toBeGreaterThan(0);
  expect((await getBalance(owner, merchant.id)).balance).toBe(paidIn - paidOut);
  expect((await getBalance(owner, payout.id)).balance).toBe(paidOut);
  const shards = await readShards({ ...merchant, shard: 0, seq: 0 });
  expect(shards.every((shard) => shard.balance >= 0)).toBe(true);
  expect(shards.filter((shard) => shard.seq > 0).length).toBeGreaterThan(1);
  // Instances met on shards and moved apart: the rules were exercised, and no payment was lost to them.
  expect(conflicts()).toBeGreaterThanOrEqual(conflictsBefore);
  const statement = await wholeStatement(owner, merchant.id, 7);
  const payments = all.filter((a) => a.status === 201).length;
  expect(statement).toHaveLength(payments);
  expect(new Set(statement).size).toBe(payments);
  const report = await reconcileAccounts([bank.system.id, merchant.id, payout.id, ...payers.map((p) => p.id)]);
  expect(report.violations).toEqual([]);
});

test('a hot settlement account funds payees from every instance on its own shards, and may go below 0', async () => {
  const admin = newCaller('admin');
  const settlement = await createAccount(admin, { currency: 'USD', type: 'system', shards: 16 });
  const payees = await Promise.all(Array.from({ length: 8 }, () => createAccount(newCaller(), { currency: 'USD' })));
  const answers = await Promise.all(payees.map(async (payee, worker) => {
    const statuses: number[] = [];
    for (let round = 0; round < 6; round += 1) {
      statuses.push((await driver.transfer(admin, { fromAccountId: settlement.id, toAccountId: payee.id, amount: 10, currency: 'USD' }, `fund-${worker}-${round}`)).status);
    }
    return statuses;
  }));
  expect(answers.flat()).toEqual(Array(48).fill(201));
  expect((await getBalance(admin, settlement.id)).balance).toBe(-480);
  const shards = await readShards({ ...settlement, shard: 0, seq: 0 });
  expect(shards.filter((shard) => shard.seq > 0).length).toBeGreaterThan(1);
  // An instance new to the account reads it, learns it is hot, and writes a shard of its own: none met on shard 0.
  expect(shards[0]!.seq).toBe(0);
  expect(await reconcileAccounts([settlement.id, ...payees.map((p) => p.id)])).toMatchObject({ violations: [] });
});

test('a debit larger than shard 0 holds sweeps the other shards in; a sweep is shown to no one', async () => {
  const { bank, owner, merchant, payers } = await world(3, 4);
  for (const [i, { caller, id }] of payers.entries()) {
    await transfer(caller, { fromAccountId: id, toAccountId: merchant.id, amount: 1000 * (i + 1), currency: 'USD' }, `in-${i}`);
  }
  // In one process credits land on the one shard it keeps, never on shard 0: the payout needs a sweep.
  const out = await createAccount(owner, { currency: 'USD' });
  const paid = await transfer(owner, { fromAccountId: merchant.id, toAccountId: out.id, amount: 5500, currency: 'USD' }, 'out-1');
  expect(paid.transaction.entries[0]).toEqual({ accountId: merchant.id, direction: 'debit', amount: 5500, currency: 'USD', balanceAfter: null });
  expect(await errorOf(() => transfer(owner, { fromAccountId: merchant.id, toAccountId: out.id, amount: 501, currency: 'USD' }, 'out-2')))
    .toMatchObject({ status: 422, code: 'insufficient_funds' });
  expect((await getBalance(owner, merchant.id)).balance).toBe(500);
  // Shard 0 took the sweep's credit and the payout's debit, nothing else.
  expect((await readShards({ ...merchant, shard: 0, seq: 0 }))[0]!.seq).toBe(2);
  const statement = await listAccountTransactions(bank.admin, merchant.id, { limit: 100 });
  expect(statement.data.map((txn) => txn.amount).sort()).toEqual([1000, 2000, 3000, 5500]);
  const report = await reconcileAccounts([bank.system.id, merchant.id, out.id, ...payers.map((p) => p.id)]);
  expect(report.violations).toEqual([]);
  expect(report.transactions).toBe(3 + 3 + 1 + 1);
  const sweeps = (await queryShardLines(merchant.id, 0, 10)).lines.filter((l) => l.transaction.kind === 'sweep');
  expect(sweeps).toHaveLength(1);
  const [line] = sweeps;
  expect(await errorOf(() => getTransaction(bank.admin, line!.transaction.id))).toMatchObject({ status: 404 });
});
