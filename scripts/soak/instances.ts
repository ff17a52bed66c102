/**
 * The soak's Lambda-model phase: random workloads over several isolated ledger instances (each its own module state,
 * group-commit queue and client, serving one request at a time, as Lambda instances do), with DynamoDB's own
 * concurrency rules on their wire (`TransactionConflict`, `TransactionInProgress`, per-item throttling; see
 * tests/support/aws-model.ts), which the in-process fault phase cannot meet: there group commit keeps two writes on
 * one account from ever being in flight at once. Each round is a few fast-check runs checked against the model, then
 * a burst of keyed payments from every instance into one merchant, retried with their keys until each is settled,
 * which must post each exactly once. The whole table is reconciled at the end.
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Caller } from '../../lib/identity/model';
import { reconcileTable } from '../../lib/ledger/reconcile';
import { installAwsModel, type AwsModelCounts } from '../../tests/support/aws-model';
import { balancesOf, storedTransfers, type LedgerDriver } from '../../tests/support/drivers';
import { instancesDriver } from '../../tests/support/instances';
import type { TransferOutcome } from '../../tests/support/model';
import { runScenario, scenarioArb } from '../../tests/support/scenario';
import { loadIsolatedLedger } from './isolated-ledger';

const runsPerRound = 3;
/** Scenarios run side by side: each on accounts of its own, all through the same instances. */
const workersCount = 2;
/** The per-item write rate of the workloads, and the tighter one of the hot bursts (so that they are throttled). */
const writesPerItemPerSecond = 10;
const hotWritesPerItemPerSecond = 3;
const hotPayments = 16;
/** The shards of a burst's accounts when they are hot. */
const hotShards = 8;
/** A keyed payment is retried at most this often after a 5xx; the ledger bounds each attempt itself. */
const keyedAttemptsMax = 20;

/** What the phase counted. */
export interface InstancesPhaseResult {
  instances: number;
  operations: number;
  runs: number;
  aws: AwsModelCounts;
  outcomes: Record<string, number>;
  keyed: { payments: number; retries: number; posted: number; unsettled: number };
  unexpected: number;
  modelViolations: number;
  exactlyOnceViolations: number;
  reconcileViolations: number;
  seconds: number;
}

/** Runs the phase over `instances` isolated ledgers until at least `target` operations ran; `seed` repeats a run. */
export async function instancesPhase(target: number, instances: number, seed: number): Promise<InstancesPhaseResult> {
  const startedMs = Date.now();
  const driver = instancesDriver(instances, loadIsolatedLedger);
  const modelOptions = { writesPerItemPerSecond };
  const counts = driver.clients.map((client) => installAwsModel(client, modelOptions));
  const totals = { operations: 0, runs: 0, modelViolations: 0, exactlyOnceViolations: 0 };
  const keyed = { payments: 0, retries: 0, posted: 0, unsettled: 0 };
  const outcomes: Record<string, number> = {};
  const property = fc.asyncProperty(scenarioArb({ commandsMax: 30, batchMax: 8 }), async (scenario) => {
    const run = await runScenario(driver, scenario);
    totals.runs += 1;
    totals.operations += run.operations;
    for (const [name, count] of Object.entries(run.model.tally())) outcomes[name] = (outcomes[name] ?? 0) + count;
    const problems = [...run.problems, ...run.model.compareBalances(await balancesOf(run.accountIds))];
    totals.modelViolations += problems.length;
    if (problems.length > 0) throw new Error(problems.slice(0, 20).join('\n'));
  });
  const progress = setInterval(() => {
    process.stdout.write(`\rinstances: ${totals.operations}/${target} operations, ${sum(counts, 'conflicts')} conflicts   `);
  }, 2000);
  try {
    for (let round = 0; totals.operations < target; round += 1) {
      await Promise.all(Array.from({ length: workersCount }, async (_, worker) => {
        const result = await fc.check(property, { numRuns: runsPerRound, seed: seed + worker * 100_000 + round });
        if (result.failed) console.log(`\n${fc.defaultReportMessage(result)}`);
      }));
      modelOptions.writesPerItemPerSecond = hotWritesPerItemPerSecond;
      const burst = await keyedBurst(driver, round).finally(() => { modelOptions.writesPerItemPerSecond = writesPerItemPerSecond; });
      totals.operations += burst.payments + burst.retries;
      keyed.payments += burst.payments;
      keyed.retries += burst.retries;
      keyed.posted += burst.posted;
      keyed.unsettled += burst.unsettled;
      totals.exactlyOnceViolations += burst.violations.length;
      for (const violation of burst.violations.slice(0, 5)) console.log(`\n  ${violation}`);
    }
  } finally {
    clearInterval(progress);
  }
  const report = await reconcileTable();
  for (const violation of report.violations.slice(0, 20)) console.log(`  [${violation.check}] ${violation.subject}: ${violation.detail}`);
  for (const error of driver.unexpected.slice(0, 5)) console.log(`  unexpected ${error.name}: ${error.message}`);
  const aws = { transactions: sum(counts, 'transactions'), conflicts: sum(counts, 'conflicts'), inProgress: sum(counts, 'inProgress'), throttled: sum(counts, 'throttled') };
  return {
    instances, ...totals, aws, outcomes, keyed, unexpected: driver.unexpected.length,
    reconcileViolations: report.violationCount, seconds: Math.round((Date.now() - startedMs) / 1000),
  };
}

/**
 * Every instance pays one merchant from one system account at once, past the item's write rate, each payment under
 * its own key and retried with it after every 5xx; the two accounts are hot ones every other burst. Then each payment
 * answered 201 must be stored exactly once (found through its debit, on the bank), every replay must name the
 * transaction first posted, nothing refused may be stored, one still busy after every retry is stored at most once,
 * and the merchant's balance must be the sum of what is stored.
 */
async function keyedBurst(driver: LedgerDriver, burst: number) {
  const admin: Caller = { userId: `soak-admin-${randomUUID()}`, role: 'admin', mfa: true };
  const shards = burst % 2 === 0 ? 1 : hotShards;
  const bank = await driver.openAccount(admin, { currency: 'USD', type: 'system', shards });
  const merchant = await driver.openAccount(admin, { currency: 'USD', ownerId: admin.userId, shards });
  let retries = 0;
  const payments = Array.from({ length: hotPayments }, (_, i) => ({
    key: `soak-hot-${randomUUID()}`,
    body: { fromAccountId: bank.id, toAccountId: merchant.id, amount: 1 + i, currency: 'USD' as const, description: `soak-hot-${i}-${randomUUID()}` },
  }));
  const answers = await Promise.all(payments.map(async (payment) => {
    const seen: TransferOutcome[] = [];
    for (let attempt = 0; attempt < keyedAttemptsMax; attempt += 1) {
      const outcome = await driver.transfer(admin, payment.body, payment.key);
      seen.push(outcome);
      if (outcome.status < 500) break;
      retries += 1;
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20));
    }
    return seen;
  }));
  const stored = await storedTransfers([bank.id]);
  const violations: string[] = [];
  let posted = 0;
  let unsettled = 0;
  let expectedBalance = 0;
  payments.forEach((payment, i) => {
    const copies = stored.filter((txn) => txn.description === payment.body.description).length;
    const seen = answers[i]!;
    const last = seen.at(-1)!;
    const ids = new Set(seen.filter((o) => o.status === 201).map((o) => o.transactionId));
    if (last.status === 201) {
      posted += 1;
      expectedBalance += payment.body.amount;
      if (copies !== 1) violations.push(`${payment.key}: answered 201, stored ${copies} times`);
      if (ids.size !== 1) violations.push(`${payment.key}: its answers named ${ids.size} transactions`);
    } else if (last.status < 500 && copies !== 0) {
      violations.push(`${payment.key}: answered ${last.status} ${last.code}, stored ${copies} times`);
    } else if (last.status >= 500) {
      // Still busy after every retry: not a broken rule, but it may have posted at most once, and then it counts.
      unsettled += 1;
      if (copies > 1) violations.push(`${payment.key}: unsettled, stored ${copies} times`);
      expectedBalance += copies === 1 ? payment.body.amount : 0;
    }
  });
  const balance = (await balancesOf([merchant.id])).get(merchant.id);
  if (balance !== expectedBalance) violations.push(`merchant ${merchant.id}: balance ${balance}, posted ${expectedBalance}`);
  return { payments: payments.length, retries, posted, unsettled, violations };
}

function sum(counts: AwsModelCounts[], field: keyof AwsModelCounts): number {
  return counts.reduce((total, count) => total + count[field], 0);
}
