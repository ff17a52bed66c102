/**
 * Group commit against DynamoDB Local: many transfers into one account at once are posted in a few batches, each one
 * `TransactWriteItems`, and the account's statement still reads as if they had been posted one at a time.
 */
import type { Caller } from '../../lib/identity/model';
import { createAccount, getBalance } from '../../lib/ledger/accounts';
import type { AccountView } from '../../lib/ledger/schemas';
import { getTransaction } from '../../lib/ledger/transaction-read';
import { transfer } from '../../lib/ledger/transfers';
import { db } from '../../lib/storage/client';
import { findTransaction } from '../../lib/storage/transactions';
import { errorOf, newBank, newCaller, partition } from '../support/ledger-fixtures';

/** Calls `beforeWrite` before each `TransactWriteItems` the ledger sends, and counts them. */
const writes = { count: 0, beforeWrite: async (): Promise<void> => {} };
db.middlewareStack.add((next, context) => async (args) => {
  if (context.commandName === 'TransactWriteItemsCommand') {
    writes.count += 1;
    await writes.beforeWrite();
  }
  return next(args);
}, { step: 'initialize', name: 'countWrites' });

afterEach(() => { writes.beforeWrite = async () => {}; });

/** A merchant account and `count` funded payers, each owned by its own user. */
async function world(count: number, fundedWith = 1_000) {
  const bank = await newBank();
  const merchant = await createAccount(newCaller(), { currency: 'USD' });
  const payers: Array<{ caller: Caller; account: AccountView }> = [];
  for (let i = 0; i < count; i += 1) {
    const caller = newCaller();
    const account = await createAccount(caller, { currency: 'USD' });
    await bank.fund(account, fundedWith);
    payers.push({ caller, account });
  }
  return { bank, merchant, payers };
}

/** An account's entries in posting order, and a check that they chain: gap-free numbers, each balance from the last. */
async function statementOf(accountId: string) {
  const entries = (await partition(accountId)).filter((item) => item.entity === 'entry').sort((a, b) => Number(a.seq) - Number(b.seq));
  let balance = 0;
  entries.forEach((entry, index) => {
    expect(entry.seq).toBe(index + 1);
    balance += entry.direction === 'credit' ? Number(entry.amount) : -Number(entry.amount);
    expect(entry.balanceAfter).toBe(balance);
  });
  return { entries, balance };
}

test('forty payers paying one merchant at once: all posted, in far fewer writes, with a gap-free statement', async () => {
  const { merchant, payers } = await world(40);
  const writesBefore = writes.count;
  const results = await Promise.all(payers.map(({ caller, account }, i) =>
    transfer(caller, { fromAccountId: account.id, toAccountId: merchant.id, amount: 10 + i, currency: 'USD' }, `pay-${i}`)));
  const writesUsed = writes.count - writesBefore;

  expect(results.every((r) => !r.replayed)).toBe(true);
  expect(writesUsed).toBeLessThanOrEqual(10);
  const expected = payers.reduce((sum, _, i) => sum + 10 + i, 0);
  const statement = await statementOf(merchant.id);
  expect(statement.entries).toHaveLength(40);
  expect(statement.balance).toBe(expected);
  expect((await getBalance(newCaller('admin'), merchant.id)).balance).toBe(expected);
  // A payer is not shown the merchant's balance; the admin's view of each transfer tells the truth about where it
  // landed in the merchant's history.
  const admin = newCaller('admin');
  for (const { transaction } of results) {
    expect(transaction.entries[1]).toEqual({ accountId: merchant.id, direction: 'credit', amount: transaction.amount, currency: 'USD', balanceAfter: null });
    const line = statement.entries.find((entry) => entry.transactionId === transaction.id)!;
    expect((await getTransaction(admin, transaction.id)).entries[1]!.balanceAfter).toBe(line.balanceAfter);
  }
  for (const [i, { account }] of payers.entries()) expect((await statementOf(account.id)).balance).toBe(1_000 - 10 - i);
});

test('one transfer in a batch that breaks a rule is refused alone and writes nothing; the others post', async () => {
  const { merchant, payers } = await world(8, 100);
  const amounts = [5, 6, 7, 5_000, 8, 9, 10, 11];
  const outcomes = await Promise.all(payers.map(({ caller, account }, i) =>
    transfer(caller, { fromAccountId: account.id, toAccountId: merchant.id, amount: amounts[i]!, currency: 'USD' }, `rule-${i}`)
      .then((r) => r.transaction.amount, (e: { code?: string }) => e.code)));
  expect(outcomes).toEqual([5, 6, 7, 'insufficient_funds', 8, 9, 10, 11]);
  expect((await statementOf(merchant.id)).balance).toBe(56);
  expect((await statementOf(payers[3]!.account.id)).entries).toHaveLength(1);
});

test('a payer that pays twice in one batch is checked against what its first payment left', async () => {
  const { merchant, payers } = await world(3, 100);
  const [first, ...others] = payers;
  const body = { fromAccountId: first!.account.id, toAccountId: merchant.id, amount: 60, currency: 'USD' as const };
  const outcomes = await Promise.all([
    // Queued behind the first, these three run as one batch: 60 + 60 would take the payer below zero.
    transfer(others[0]!.caller, { ...body, fromAccountId: others[0]!.account.id, amount: 1 }),
    transfer(first!.caller, body, 'twice-1').then(() => 'posted', (e: { code?: string }) => e.code),
    transfer(first!.caller, body, 'twice-2').then(() => 'posted', (e: { code?: string }) => e.code),
    transfer(others[1]!.caller, { ...body, fromAccountId: others[1]!.account.id, amount: 2 }),
  ]);
  expect(outcomes.slice(1, 3)).toEqual(['posted', 'insufficient_funds']);
  expect((await statementOf(first!.account.id)).balance).toBe(40);
  expect((await statementOf(merchant.id)).balance).toBe(63);
});

test('the same key sent twice at once posts once and replays once; another body under it is refused', async () => {
  const { merchant, payers } = await world(1);
  const { caller, account } = payers[0]!;
  const body = { fromAccountId: account.id, toAccountId: merchant.id, amount: 25, currency: 'USD' as const };
  const [a, b, c] = await Promise.all([
    transfer(caller, body, 'same-key'),
    transfer(caller, body, 'same-key'),
    errorOf(() => transfer(caller, { ...body, amount: 26 }, 'same-key')),
  ]);
  expect([a.replayed, b.replayed].sort()).toEqual([false, true]);
  expect(b.transaction.id).toBe(a.transaction.id);
  expect(c).toMatchObject({ status: 422, code: 'idempotency_key_reused' });
  expect((await statementOf(merchant.id)).balance).toBe(25);
});

test('when another process moves the merchant under a batch, the batch re-reads, re-plans and posts once', async () => {
  const { bank, merchant, payers } = await world(6);
  // A second copy of the ledger, with its own queue and client, stands in for another Lambda.
  let other: typeof import('../../lib/ledger/transfers') | undefined;
  jest.isolateModules(() => { other = require('../../lib/ledger/transfers'); });
  const outsider = await createAccount(newCaller(), { currency: 'USD' });
  await bank.fund(outsider, 500);
  let interfered = 0;
  writes.beforeWrite = async () => {
    if (interfered >= 2) return;
    interfered += 1;
    await other!.transfer(bank.admin, { fromAccountId: outsider.id, toAccountId: merchant.id, amount: 100, currency: 'USD' });
  };
  const results = await Promise.all(payers.map(({ caller, account }, i) =>
    transfer(caller, { fromAccountId: account.id, toAccountId: merchant.id, amount: 1 + i, currency: 'USD' }, `moved-${i}`)));
  expect(interfered).toBe(2);
  const statement = await statementOf(merchant.id);
  expect(statement.entries).toHaveLength(8);
  expect(statement.balance).toBe(200 + 21);
  for (const { transaction } of results) expect(await findTransaction(transaction.id)).toMatchObject({ amount: transaction.amount });
});
