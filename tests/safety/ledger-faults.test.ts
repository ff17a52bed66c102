/**
 * Faults DynamoDB Local never produces, injected at the SDK client boundary of the ledger's real client: transaction
 * conflicts, throttling, timeouts before sending, and lost responses (the write commits, the answer never arrives).
 * Each transfer must post exactly once or fail cleanly with nothing written, within bounded retries.
 */
import { ownTableName } from '../support/own-table';
import fc from 'fast-check';
import { config } from '../../lib/config';
import type { Caller } from '../../lib/identity/model';
import { createAccount } from '../../lib/ledger/accounts';
import { retryPolicy } from '../../lib/ledger/backoff';
import { transfer } from '../../lib/ledger/transfers';
import { db } from '../../lib/storage/client';
import { ledgerWrite, planTransfer } from '../../lib/ledger/rules';
import { findAccount } from '../../lib/storage/accounts';
import { writeTransfers } from '../../lib/storage/ledger-write';
import { createLocalTable } from '../../scripts/local/dynamo';
import { inProcessDriver, storedTransfers } from '../support/drivers';
import { FaultInjector } from '../support/faults';
import { problemsAfter, runScenario, scenarioArb } from '../support/scenario';

const faults = new FaultInjector(db).install();
const runsCount = Number(process.env.SAFETY_FAULT_RUNS ?? 8);

/** Rates for the random runs: every kind of fault is common enough to show up in a short run. */
export const faultRates = {
  write: { conflict: 0.1, throttleOnce: 0.03, timeoutOnce: 0.05, lostOnce: 0.1, lostAlways: 0.04, downAlways: 0.03, lostThenThrottled: 0.02 },
  read: { timeoutOnce: 0.03, throttleOnce: 0.01, throttleAlways: 0.005 },
};

beforeAll(async () => {
  expect(config.tableName).toBe(ownTableName);
  await createLocalTable(process.env.DYNAMODB_ENDPOINT!, ownTableName);
});

afterEach(() => faults.disable());

/** An admin, a funded user account and an empty one, all in USD. */
async function fixture(balance = 10_000) {
  const admin: Caller = { userId: `admin-${Math.random()}`, role: 'admin', mfa: true };
  const owner: Caller = { userId: `owner-${Math.random()}`, role: 'user', mfa: false };
  const bank = await createAccount(admin, { currency: 'USD', type: 'system' });
  const from = await createAccount(owner, { currency: 'USD' });
  const to = await createAccount(owner, { currency: 'USD' });
  await transfer(admin, { fromAccountId: bank.id, toAccountId: from.id, amount: balance, currency: 'USD' });
  return { owner, from, to, body: { fromAccountId: from.id, toAccountId: to.id, amount: 700, currency: 'USD' as const } };
}

/** What a transfer answered: its error, or nothing for a success. */
async function errorOf(promise: Promise<unknown>): Promise<{ status?: number; code?: string }> {
  return promise.then(() => ({}), (error: { status?: number; code?: string }) => error);
}

test('DynamoDB Local honours ClientRequestToken: the same transaction sent twice applies once', async () => {
  const { from, to } = await fixture();
  const [fromRecord, toRecord] = [await findAccount(from.id), await findAccount(to.id)];
  const initiatedBy = { userId: from.ownerId, role: 'user' as const, requestId: null, sourceIp: null };
  const minted = { id: `token-${Math.random().toString(36).slice(2)}`, createdAt: new Date().toISOString(), initiatedBy };
  const input = { fromAccountId: from.id, toAccountId: to.id, amount: 5, currency: 'USD' as const, description: 'token check' };
  const txn = planTransfer({ userId: from.ownerId, role: 'user', mfa: false }, input, fromRecord, toRecord, minted).transaction;
  const plan = { transaction: txn, at: txn.createdAt, legs: [fromRecord!, toRecord!] };
  expect(await writeTransfers(ledgerWrite([plan]))).toEqual({ status: 'posted' });
  expect(await writeTransfers(ledgerWrite([plan]))).toEqual({ status: 'posted' });
  expect((await findAccount(to.id))!.balance).toBe(5);
  expect((await storedTransfers([from.id])).filter((t) => t.id === txn.id)).toHaveLength(1);
});

test('a lost response is retried with the same token inside the ledger: one transfer, posted once', async () => {
  const { owner, from, to, body } = await fixture();
  faults.force('write', 'lostOnce');
  const result = await transfer(owner, body);
  expect(result.replayed).toBe(false);
  expect(faults.counts.lostOnce).toBeGreaterThan(0);
  expect((await findAccount(to.id))!.balance).toBe(700);
  expect(await storedTransfers([from.id])).toHaveLength(1);
});

test('when every answer is lost the caller gets 503, and a retry with the same key returns the posted transaction', async () => {
  const { owner, from, to, body } = await fixture();
  faults.force('write', 'lostAlways', 'lostAlways', 'lostAlways');
  const failure = await errorOf(transfer(owner, body, 'lost-key'));
  expect(failure).toMatchObject({ status: 503, code: 'ledger_unavailable' });
  // The write did commit: it is there once, and the retry must return it rather than post again.
  const stored = await storedTransfers([from.id]);
  expect(stored).toHaveLength(1);
  const retry = await transfer(owner, body, 'lost-key');
  expect(retry).toMatchObject({ replayed: true, transaction: { id: stored[0]!.id } });
  expect((await findAccount(to.id))!.balance).toBe(700);
  expect(await storedTransfers([from.id])).toHaveLength(1);
});

test.each([
  ['a transaction conflict on the ledger\'s retry', ['lostAlways', 'conflict']],
  ['throttling on the ledger\'s retry', ['lostAlways', 'throttleAlways']],
  ['throttling on the SDK\'s own retries', ['lostThenThrottled']],
] as const)('a lost response followed by %s posts once, not twice (no idempotency key)', async (_, kinds) => {
  const { owner, from, to, body } = await fixture();
  // The first send commits and its answer is lost; the retry of the same request is then refused as busy. That
  // refusal says nothing about the first send, which did commit: planning the transfer afresh would post it twice.
  faults.force('write', ...kinds);
  const outcome = await transfer(owner, body).then((r) => r.transaction.id, (e: { code?: string }) => e.code);
  const stored = await storedTransfers([from.id]);
  expect(stored).toHaveLength(1);
  expect([stored[0]!.id, 'ledger_unavailable']).toContain(outcome);
  expect((await findAccount(to.id))!.balance).toBe(700);
});

test('timeouts before sending fail with 503 and write nothing; the retry with the key posts once', async () => {
  const { owner, from, to, body } = await fixture();
  faults.force('write', 'downAlways', 'downAlways', 'downAlways');
  expect(await errorOf(transfer(owner, body, 'down-key'))).toMatchObject({ status: 503, code: 'ledger_unavailable' });
  expect(await storedTransfers([from.id])).toHaveLength(0);
  expect(await transfer(owner, body, 'down-key')).toMatchObject({ replayed: false });
  expect((await findAccount(to.id))!.balance).toBe(700);
  expect(await storedTransfers([from.id])).toHaveLength(1);
});

test('endless conflicts give up with 503 ledger_busy after bounded attempts, with nothing written', async () => {
  const { owner, from, to, body } = await fixture();
  faults.enable({ write: { conflict: 1 }, read: {} });
  const writesBefore = faults.counts.conflict;
  const startedMs = Date.now();
  expect(await errorOf(transfer(owner, body, 'busy-key'))).toMatchObject({ status: 503, code: 'ledger_busy' });
  const attempts = faults.counts.conflict - writesBefore;
  expect(attempts).toBeGreaterThan(1);
  expect(attempts).toBeLessThanOrEqual(retryPolicy.attemptsMax);
  expect(Date.now() - startedMs).toBeLessThan(retryPolicy.budgetMs + 2000);
  faults.disable();
  expect(await storedTransfers([from.id])).toHaveLength(0);
  expect((await findAccount(from.id))!.balance).toBe(10_000);
  expect((await findAccount(to.id))!.balance).toBe(0);
});

test('throttled transactions back off and either post once or give up cleanly', async () => {
  const { owner, from, to, body } = await fixture();
  faults.enable({ write: { throttleOnce: 0.5 }, read: {} });
  const results = await Promise.all(Array.from({ length: 6 }, (_, i) => errorOf(transfer(owner, { ...body, amount: 100 + i }))));
  faults.disable();
  const posted = results.filter((r) => r.status === undefined).length;
  expect(results.every((r) => r.status === undefined || r.code === 'ledger_busy')).toBe(true);
  expect(await storedTransfers([from.id])).toHaveLength(posted);
  expect((await findAccount(to.id))!.balance).toBe((await storedTransfers([from.id])).reduce((s, t) => s + t.amount, 0));
}, 30_000);

test('a read that stays throttled answers 503 storage_unavailable, not a 500, and writes nothing', async () => {
  const { owner, from, body } = await fixture();
  faults.force('read', 'throttleAlways');
  expect(await errorOf(transfer(owner, body, 'throttled-read'))).toMatchObject({ status: 503, code: 'storage_unavailable' });
  expect(await storedTransfers([from.id])).toHaveLength(0);
  expect((await findAccount(from.id))!.balance).toBe(10_000);
}, 30_000);

test('random workloads under random faults: every transfer posts once or not at all, and the table reconciles', async () => {
  let injected = 0;
  await fc.assert(
    fc.asyncProperty(scenarioArb({ commandsMax: 20, batchMax: 5 }), async (scenario) => {
      const driver = inProcessDriver();
      const before = faults.injected();
      faults.enable(faultRates);
      const run = await runScenario(driver, scenario, { quietly: (read) => faults.quietly(read) })
        .finally(() => faults.disable());
      injected += faults.injected() - before;
      const problems = await problemsAfter(run, driver.unexpected);
      if (problems.length > 0) throw new Error(problems.join('\n'));
    }),
    { numRuns: runsCount, interruptAfterTimeLimit: 60_000 },
  );
  // Concurrent transfers on shared accounts go out as one write per batch, so a run draws fewer faults than it has
  // transfers; half a fault per run on average still shows the runs were not fault-free.
  expect(injected).toBeGreaterThanOrEqual(runsCount / 2);
  expect(faults.counts.lostOnce + faults.counts.lostAlways).toBeGreaterThan(0);
}, 120_000);

