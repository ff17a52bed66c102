/**
 * Account status against DynamoDB Local: a status change and a movement racing it never both win against the rule,
 * because the status is a condition of every ledger write and every status change is conditioned on what it read.
 * The first tests make the race deterministic (a write planned on a read that a status change then made stale); the
 * others run the race itself, concurrently, on accounts of one shard and on hot accounts written by several instances.
 */
import type { Caller } from '../../lib/identity/model';
import { changeAccountStatus, updateAccount } from '../../lib/ledger/account-changes';
import { createAccount, getAccount } from '../../lib/ledger/accounts';
import { reconcileAccounts } from '../../lib/ledger/reconcile';
import { ledgerWrite, planTransfer } from '../../lib/ledger/rules';
import { transfer } from '../../lib/ledger/transfers';
import { writeAccountStatus } from '../../lib/storage/account-changes';
import { findAccount, readShards } from '../../lib/storage/accounts';
import { writeTransfers } from '../../lib/storage/ledger-write';
import { instancesDriver } from '../support/instances';
import { errorOf, newBank, newCaller, newUser } from '../support/ledger-fixtures';

jest.setTimeout(120_000);

const driver = instancesDriver(6);

/** What a ledger call answered: its status and code (201 for a transfer, 200 for a status change). */
async function outcome(promise: Promise<unknown>, ok = 201): Promise<{ status: number; code?: string }> {
  return promise.then(() => ({ status: ok }), (error: { status?: number; code?: string }) => ({ status: error.status ?? 500, code: error.code }));
}

/** Resolves once `count` of `promises` have settled: a status change sent then lands among the movements still in flight. */
function afterSettled(promises: ReadonlyArray<Promise<unknown>>, count: number): Promise<void> {
  let settled = 0;
  return new Promise((resolve) => {
    for (const promise of promises) void promise.finally(() => { if (++settled === count) resolve(); });
  });
}

const minted = () => ({ id: `txn-${Math.random().toString(36).slice(2)}`, createdAt: new Date().toISOString(), initiatedBy: { userId: 'test', role: 'admin' as const, requestId: null, sourceIp: null } });

describe('a write planned before a status change does not commit after it', () => {
  test('a debit read active, written after a freeze, is stale; retried, it is refused account_frozen', async () => {
    const bank = await newBank();
    const owner = newCaller();
    const account = await createAccount(owner, { currency: 'USD' });
    await bank.fund(account, 500);
    const [from, to] = [await findAccount(account.id), await findAccount(bank.system.id)];
    const plan = planTransfer(owner, { fromAccountId: account.id, toAccountId: bank.system.id, amount: 100, currency: 'USD' }, from, to, minted());
    await changeAccountStatus(bank.admin, account.id, 'freeze');
    expect(await writeTransfers(ledgerWrite([plan]))).toMatchObject({ status: 'stale' });
    expect(await errorOf(() => transfer(owner, { fromAccountId: account.id, toAccountId: bank.system.id, amount: 100, currency: 'USD' })))
      .toMatchObject({ status: 422, code: 'account_frozen' });
    expect((await findAccount(account.id))!).toMatchObject({ balance: 500, seq: 1, status: 'frozen' });
  });

  test('a credit read active, written after a close, is stale; retried, it is refused account_closed', async () => {
    const bank = await newBank();
    const owner = newCaller();
    const account = await createAccount(owner, { currency: 'USD' });
    const [from, to] = [await findAccount(bank.system.id), await findAccount(account.id)];
    const plan = planTransfer(bank.admin, { fromAccountId: bank.system.id, toAccountId: account.id, amount: 100, currency: 'USD' }, from, to, minted());
    await changeAccountStatus(owner, account.id, 'close');
    expect(await writeTransfers(ledgerWrite([plan]))).toMatchObject({ status: 'stale' });
    expect(await errorOf(() => bank.fund(account, 100))).toMatchObject({ status: 422, code: 'account_closed' });
    expect((await findAccount(account.id))!).toMatchObject({ balance: 0, seq: 0, status: 'closed' });
  });

  test('a close read at balance 0, written after a credit, is not written; retried, it is refused account_not_empty', async () => {
    const bank = await newBank();
    const owner = newCaller();
    const account = await createAccount(owner, { currency: 'USD' });
    const read = await findAccount(account.id);
    await bank.fund(account, 1);
    expect(await writeAccountStatus([read!], 'closed', true, new Date().toISOString())).toEqual({ written: false, ambiguous: false });
    expect(await errorOf(() => changeAccountStatus(owner, account.id, 'close'))).toMatchObject({ status: 422, code: 'account_not_empty' });
    expect((await findAccount(account.id))!.status).toBe('active');
  });

  test('a hot account\'s freeze reaches every shard, and a debit planned on any shard before it is stale', async () => {
    const admin = newCaller('admin');
    const hot = await createAccount(admin, { currency: 'USD', type: 'system', shards: 4 });
    const sink = await createAccount(admin, { currency: 'USD', type: 'system' });
    const shards = await readShards({ ...hot, shard: 0, seq: 0 });
    const plan = planTransfer(admin, { fromAccountId: hot.id, toAccountId: sink.id, amount: 5, currency: 'USD' }, shards[3], await findAccount(sink.id), minted());
    await changeAccountStatus(admin, hot.id, 'freeze');
    expect((await readShards({ ...hot, shard: 0, seq: 0 })).map((shard) => shard.status)).toEqual(['frozen', 'frozen', 'frozen', 'frozen']);
    expect(await writeTransfers(ledgerWrite([plan]))).toMatchObject({ status: 'stale', shards: [{ accountId: hot.id, shard: 3 }] });
  });
});

describe('races, run concurrently', () => {
  test('a freeze racing many debits: each debit posts before the freeze or is refused account_frozen', async () => {
    const bank = await newBank();
    const owner = newCaller();
    const account = await createAccount(owner, { currency: 'USD' });
    await bank.fund(account, 100_000);
    const debits = Array.from({ length: 30 }, (_, i) => outcome(transfer(owner, {
      fromAccountId: account.id, toAccountId: bank.system.id, amount: 10 + i, currency: 'USD',
    }, `debit-${i}`)));
    const freeze = outcome(afterSettled(debits, 2).then(() => changeAccountStatus(bank.admin, account.id, 'freeze')), 200);
    const answers = await Promise.all(debits);
    expect(await freeze).toEqual({ status: 200 });
    for (const answer of answers) expect([{ status: 201 }, { status: 422, code: 'account_frozen' }]).toContainEqual(answer);
    const posted = answers.reduce((sum, answer, i) => sum + (answer.status === 201 ? 10 + i : 0), 0);
    const after = (await findAccount(account.id))!;
    expect(after).toMatchObject({ status: 'frozen', balance: 100_000 - posted, seq: 1 + answers.filter((a) => a.status === 201).length });
    // After the freeze answered, no debit gets through.
    expect(await errorOf(() => transfer(owner, { fromAccountId: account.id, toAccountId: bank.system.id, amount: 1, currency: 'USD' })))
      .toMatchObject({ code: 'account_frozen' });
    expect(await reconcileAccounts([account.id, bank.system.id])).toMatchObject({ violationCount: 0 });
  });

  test('a freeze racing debits of a hot system account from six instances: every shard agrees, no debit after it', async () => {
    const admin = newCaller('admin');
    const hot = await createAccount(admin, { currency: 'USD', type: 'system', shards: 8 });
    const sink = await createAccount(admin, { currency: 'USD', type: 'system' });
    const debits = Array.from({ length: 36 }, (_, i) =>
      driver.transfer(admin, { fromAccountId: hot.id, toAccountId: sink.id, amount: 7, currency: 'USD' }, `hot-debit-${i}`));
    const freeze = outcome(afterSettled(debits, 8).then(() => changeAccountStatus(admin, hot.id, 'freeze')), 200);
    const answers = await Promise.all(debits);
    expect(await freeze).toEqual({ status: 200 });
    for (const { status, code } of answers) expect([[201, undefined], [422, 'account_frozen']]).toContainEqual([status, code]);
    const shards = await readShards({ ...hot, shard: 0, seq: 0 });
    expect(new Set(shards.map((shard) => shard.status))).toEqual(new Set(['frozen']));
    const posted = answers.filter((answer) => answer.status === 201).length;
    expect(shards.reduce((sum, shard) => sum + shard.balance, 0) + 7 * posted).toBe(0);
    expect(posted).toBeGreaterThanOrEqual(8);
    expect(shards.reduce((sum, shard) => sum + shard.seq, 0)).toBe(posted);
    expect(driver.unexpected).toEqual([]);
    expect(await reconcileAccounts([hot.id, sink.id])).toMatchObject({ violationCount: 0 });
  });

  test('a close racing a credit: never a closed account with money; exactly one of the two wins', async () => {
    const bank = await newBank();
    for (let round = 0; round < 8; round += 1) {
      const owner = newCaller();
      const account = await createAccount(owner, { currency: 'USD' });
      const [close, credit] = await Promise.all([
        outcome(changeAccountStatus(owner, account.id, 'close'), 200),
        outcome(bank.fund(account, 100)),
      ]);
      const after = await getAccount(owner, account.id);
      if (after.status === 'closed') {
        expect([close, credit, after.balance]).toEqual([{ status: 200 }, { status: 422, code: 'account_closed' }, 0]);
      } else {
        expect([close, credit, after.balance]).toEqual([{ status: 422, code: 'account_not_empty' }, { status: 201 }, 100]);
      }
    }
  });

  test('a close of a hot account racing credits from six instances: closed only at a balance of 0', async () => {
    const bank = await newBank();
    const owner = await newUser();
    const hot = await createAccount(bank.admin, { currency: 'USD', ownerId: owner.userId, shards: 6 });
    const credits = Array.from({ length: 18 }, (_, i) =>
      driver.transfer(bank.admin, { fromAccountId: bank.system.id, toAccountId: hot.id, amount: 3, currency: 'USD' }, `hot-credit-${i}`));
    const close = outcome(changeAccountStatus(owner, hot.id, 'close'), 200);
    const answers = await Promise.all(credits);
    const closed = await close;
    const after = await getAccount(owner, hot.id);
    const posted = answers.filter((answer) => answer.status === 201).length;
    for (const { status, code } of answers) expect([[201, undefined], [422, 'account_closed']]).toContainEqual([status, code]);
    expect(after.balance).toBe(3 * posted);
    if (closed.status === 200) expect([after.status, after.balance]).toEqual(['closed', 0]);
    else expect([closed, after.status, posted > 0]).toEqual([{ status: 422, code: 'account_not_empty' }, 'active', true]);
    expect(await reconcileAccounts([hot.id, bank.system.id])).toMatchObject({ violationCount: 0 });
  });
});

describe('metadata edits, run concurrently', () => {
  test('ten edits racing, each adding its own key, keep all ten keys: an edit that loses merges again', async () => {
    const owner = newCaller();
    const account = await createAccount(owner, { currency: 'USD', metadata: { base: 'kept' } });
    const edits = await Promise.all(Array.from({ length: 10 }, (_, i) => outcome(updateAccount(owner, account.id, { metadata: { [`k${i}`]: `v${i}` } }), 200)));
    expect(edits.every((edit) => edit.status === 200)).toBe(true);
    const expected = Object.fromEntries([['base', 'kept'], ...Array.from({ length: 10 }, (_, i) => [`k${i}`, `v${i}`])]);
    expect((await getAccount(owner, account.id)).metadata).toEqual(expected);
  });

  test('two edits racing for the twentieth key: one is stored, the other refused, never 21 keys', async () => {
    const owner = newCaller();
    const nineteen = Object.fromEntries(Array.from({ length: 19 }, (_, i) => [`k${i}`, 'v']));
    const account = await createAccount(owner, { currency: 'USD', metadata: nineteen });
    const edits = await Promise.all(['x', 'y'].map((key) => outcome(updateAccount(owner, account.id, { metadata: { [key]: 'v' } }), 200)));
    expect(edits.map((edit) => edit.status).sort()).toEqual([200, 400]);
    expect(Object.keys((await getAccount(owner, account.id)).metadata)).toHaveLength(20);
  });
});
