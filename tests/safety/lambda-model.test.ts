/**
 * Property, in the Lambda model: several ledger instances (each its own module state, queue and client, serving one
 * request at a time) run random workloads on shared accounts against DynamoDB Local, with DynamoDB's concurrency
 * rules applied on their wire (`TransactionConflict` between in-flight transactions, `TransactionInProgress`, per-item
 * throttling). Group commit cannot help across instances, so every write races on the accounts' sequence numbers:
 * the table must still reconcile, and every balance must be what the model of the accepted operations predicts.
 * This file owns its table, so the whole table is reconciled after every run.
 */
import { ownTableName } from '../support/own-table';
import fc from 'fast-check';
import { config } from '../../lib/config';
import type { Caller } from '../../lib/identity/model';
import { reconcileTable } from '../../lib/ledger/reconcile';
import { createLocalTable } from '../../scripts/local/dynamo';
import { installAwsModel, type AwsModelCounts } from '../support/aws-model';
import { balancesOf } from '../support/drivers';
import { instancesDriver } from '../support/instances';
import { problemsAfter, runScenario, scenarioArb } from '../support/scenario';

const runsCount = Number(process.env.SAFETY_RUNS ?? 12);
const instancesCount = 4;
const driver = instancesDriver(instancesCount);
/** Read at every call, so a test may tighten it. */
const modelOptions = { writesPerItemPerSecond: 10 };
const counts: AwsModelCounts[] = driver.clients.map((client) => installAwsModel(client, modelOptions));
const total = (field: keyof AwsModelCounts) => counts.reduce((sum, count) => sum + count[field], 0);

beforeAll(async () => {
  expect(config.tableName).toBe(ownTableName);
  await createLocalTable(process.env.DYNAMODB_ENDPOINT!, ownTableName);
});

test('across instances, under DynamoDB\'s concurrency rules, money is conserved and every balance matches the model', async () => {
  let operations = 0;
  const conflictsBefore = total('conflicts');
  await fc.assert(
    fc.asyncProperty(scenarioArb({ commandsMax: 25, batchMax: 8 }), async (scenario) => {
      driver.unexpected.length = 0;
      const run = await runScenario(driver, scenario);
      operations += run.operations;
      const problems = await problemsAfter(run, driver.unexpected);
      if (problems.length > 0) throw new Error(problems.join('\n'));
    }),
    { numRuns: runsCount, interruptAfterTimeLimit: 60_000 },
  );
  expect(operations).toBeGreaterThan(runsCount);
  expect(total('transactions')).toBeGreaterThan(runsCount);
  // Concurrent batches on shared accounts from several instances must have met in flight at least once: without
  // that, this test would not be testing the cross-instance path at all. The random runs usually meet; on a loaded
  // machine they may all have run apart, and then bursts of payments into one account from every instance make them.
  for (let burst = 0; burst < 5 && total('conflicts') === conflictsBefore; burst += 1) await contend(burst);
  expect(total('conflicts')).toBeGreaterThan(conflictsBefore);
  expect((await reconcileTable()).violations).toEqual([]);
}, 180_000);

/** Sixteen payments at once from a system account into one merchant, spread over the instances; each posts or is busy. */
async function contend(burst: number): Promise<void> {
  const admin: Caller = { userId: `admin-${Math.random()}`, role: 'admin', mfa: true };
  const bank = await driver.openAccount(admin, { currency: 'USD', type: 'system' });
  const merchant = await driver.openAccount(admin, { currency: 'USD', ownerId: admin.userId });
  const answers = await Promise.all(Array.from({ length: 16 }, (_, i) =>
    driver.transfer(admin, { fromAccountId: bank.id, toAccountId: merchant.id, amount: 1 + i, currency: 'USD' }, `contend-${burst}-${i}`)));
  expect(answers.filter((answer) => answer.status !== 201 && answer.code !== 'ledger_busy')).toEqual([]);
}

test('a merchant paid from every instance past its per-item write rate is throttled, and each payment posts once or is refused', async () => {
  const admin: Caller = { userId: `admin-${Math.random()}`, role: 'admin', mfa: true };
  const bank = await driver.openAccount(admin, { currency: 'USD', type: 'system' });
  const merchant = await driver.openAccount(admin, { currency: 'USD', ownerId: admin.userId });
  const throttledBefore = total('throttled');
  modelOptions.writesPerItemPerSecond = 3;
  const answers = await Promise.all(Array.from({ length: 24 }, (_, i) =>
    driver.transfer(admin, { fromAccountId: bank.id, toAccountId: merchant.id, amount: 1 + i, currency: 'USD' }, `hot-${i}`)))
    .finally(() => { modelOptions.writesPerItemPerSecond = 10; });
  expect(total('throttled')).toBeGreaterThan(throttledBefore);
  const posted = answers.filter((answer) => answer.status === 201);
  expect(answers.filter((answer) => answer.status !== 201 && answer.code !== 'ledger_busy')).toEqual([]);
  expect(posted.length).toBeGreaterThan(0);
  expect(driver.unexpected).toEqual([]);
  const report = await reconcileTable();
  expect(report.violations).toEqual([]);
  const balance = (await balancesOf([merchant.id])).get(merchant.id);
  expect(balance).toBe(answers.reduce((sum, answer, i) => sum + (answer.status === 201 ? 1 + i : 0), 0));
}, 60_000);
