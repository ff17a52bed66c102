/**
 * Property: whatever sequence of operations runs through the ledger's own code against DynamoDB Local (accounts in
 * several currencies, funding, random transfers by owners, strangers and admins, repeated idempotency keys, concurrent
 * batches), the table reconciles and every balance is what an in-memory model of the accepted operations predicts.
 * This file owns its table, so the whole table is reconciled after every run.
 */
import { ownTableName } from '../support/own-table';
import fc from 'fast-check';
import { config } from '../../lib/config';
import { createLocalTable } from '../../scripts/local/dynamo';
import { inProcessDriver } from '../support/drivers';
import { problemsAfter, runScenario, scenarioArb } from '../support/scenario';

const runsCount = Number(process.env.SAFETY_RUNS ?? 12);

beforeAll(async () => {
  expect(config.tableName).toBe(ownTableName);
  await createLocalTable(process.env.DYNAMODB_ENDPOINT!, ownTableName);
});

test('money is conserved and every balance matches the model, whatever the operations', async () => {
  let operations = 0;
  await fc.assert(
    fc.asyncProperty(scenarioArb({ commandsMax: 25, batchMax: 6 }), async (scenario) => {
      const driver = inProcessDriver();
      const run = await runScenario(driver, scenario);
      operations += run.operations;
      const problems = await problemsAfter(run, driver.unexpected);
      if (problems.length > 0) throw new Error(problems.join('\n'));
    }),
    { numRuns: runsCount, interruptAfterTimeLimit: 60_000 },
  );
  expect(operations).toBeGreaterThan(runsCount);
}, 120_000);
