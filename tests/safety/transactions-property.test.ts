/**
 * Property: whatever multi-entry transactions and reversals run through the ledger's own code against DynamoDB Local
 * (`tests/support/movements.ts`: splits in two currencies, some unbalanced, partial and full reversals, several of one
 * transaction at once, retries under one key, holds placed, captured, voided and expired, freezes, unfreezes and closes
 * racing them, in concurrent batches), every balance is the sum of the entries the answers said posted, what each
 * account reserves is what its pending holds add up to, no transaction is reversed beyond its amount, and the accounts
 * reconcile; then the whole table (this file's own) reconciles.
 */
import { ownTableName } from '../support/own-table';
import fc from 'fast-check';
import { config } from '../../lib/config';
import { reconcileTable } from '../../lib/ledger/reconcile';
import { createLocalTable } from '../../scripts/local/dynamo';
import { movementsArb, runMovements } from '../support/movements';

const runsCount = Number(process.env.SAFETY_RUNS ?? 8);

beforeAll(async () => {
  expect(config.tableName).toBe(ownTableName);
  await createLocalTable(process.env.DYNAMODB_ENDPOINT!, ownTableName);
});

test('multi-entry transactions, reversals and holds conserve money, whatever runs at once', async () => {
  const outcomes: Record<string, number> = {};
  await fc.assert(
    fc.asyncProperty(movementsArb, async (batches) => {
      const run = await runMovements(batches);
      for (const [name, count] of Object.entries(run.outcomes)) outcomes[name] = (outcomes[name] ?? 0) + count;
      if (run.problems.length > 0) throw new Error(run.problems.join('\n'));
    }),
    { numRuns: runsCount, interruptAfterTimeLimit: 60_000 },
  );
  // The runs posted transactions and placed holds, and refused some: the property was not vacuous.
  expect((outcomes['201'] ?? 0) + (outcomes['201 hold'] ?? 0)).toBeGreaterThan(runsCount);
  expect(outcomes['201']).toBeGreaterThan(0);
  expect(outcomes['201 hold']).toBeGreaterThan(0);
  expect(outcomes['200 status']).toBeGreaterThan(0);
  expect((await reconcileTable()).violations).toEqual([]);
}, 150_000);
