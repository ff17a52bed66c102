/**
 * The soak's fault phase: random workloads through the ledger's own code under injected faults (transfers, and in
 * every other round multi-entry transactions and reversals), run by several
 * workers at once (faults make each call slow, not busy), in rounds of fast-check runs (each round shrinks its own
 * failure to a minimal sequence), until the operation target is met; then the whole table is reconciled.
 */
import fc from 'fast-check';
import { reconcileTable } from '../../lib/ledger/reconcile';
import { db } from '../../lib/storage/client';
import { balancesOf, inProcessDriver } from '../../tests/support/drivers';
import { FaultInjector, faultKinds, type FaultRates } from '../../tests/support/faults';
import { movementsArb, runMovements } from '../../tests/support/movements';
import { runScenario, scenarioArb } from '../../tests/support/scenario';

const runsPerRound = 5;
const workersCount = 6;

/**
 * Runs random workloads under the fault `rates` until at least `target` operations ran, then reconciles the table;
 * returns what it counted. `seed` makes a run repeatable.
 */
export async function faultPhase(target: number, rates: FaultRates, seed: number) {
  const startedMs = Date.now();
  const faults = new FaultInjector(db).install();
  const outcomes: Record<string, number> = {};
  const totals = { operations: 0, runs: 0, modelViolations: 0, unexpected: 0 };
  const property = fc.asyncProperty(scenarioArb({ commandsMax: 40, batchMax: 8 }), async (scenario) => {
    const driver = inProcessDriver();
    const run = await runScenario(driver, scenario, { quietly: (read) => faults.quietly(read) });
    totals.runs += 1;
    totals.operations += run.operations;
    for (const [name, count] of Object.entries(run.model.tally())) outcomes[name] = (outcomes[name] ?? 0) + count;
    totals.unexpected += driver.unexpected.length;
    const balances = await faults.quietly(() => balancesOf(run.accountIds));
    const problems = [...run.problems, ...run.model.compareBalances(balances)];
    totals.modelViolations += problems.length;
    problems.push(...driver.unexpected.map((e) => `unexpected ${e.name}: ${e.message}`));
    if (problems.length > 0) {
      console.log(`\n${problems.slice(0, 5).join('\n')}`);
      throw new Error(problems.slice(0, 20).join('\n'));
    }
  });
  // Every other run: multi-entry transactions and reversals (tests/support/movements.ts), under the same faults.
  const movements = fc.asyncProperty(movementsArb, async (batches) => {
    const run = await runMovements(batches, (fn) => faults.quietly(fn));
    totals.runs += 1;
    totals.operations += run.operations;
    for (const [name, count] of Object.entries(run.outcomes)) outcomes[`movement ${name}`] = (outcomes[`movement ${name}`] ?? 0) + count;
    totals.modelViolations += run.problems.length;
    if (run.problems.length > 0) {
      console.log(`\n${run.problems.slice(0, 5).join('\n')}`);
      throw new Error(run.problems.slice(0, 20).join('\n'));
    }
  });
  faults.enable(rates);
  const progress = setInterval(() => {
    process.stdout.write(`\rfaults: ${totals.operations}/${target} operations, ${faults.injected()} faults injected   `);
  }, 2000);
  try {
    await Promise.all(Array.from({ length: workersCount }, async (_, worker) => {
      for (let round = 0; totals.operations < target; round += 1) {
        const params = { numRuns: runsPerRound, seed: seed + worker * 100_000 + round };
        const report = round % 2 === 0
          ? fc.defaultReportMessage(await fc.check(property, params))
          : fc.defaultReportMessage(await fc.check(movements, params));
        if (report !== undefined) console.log(`\n${report}`);
      }
    }));
  } finally {
    clearInterval(progress);
    faults.disable();
  }
  const report = await reconcileTable();
  for (const violation of report.violations.slice(0, 20)) console.log(`  [${violation.check}] ${violation.subject}: ${violation.detail}`);
  return {
    ...totals,
    injected: faults.injected(),
    byKind: Object.fromEntries(faultKinds.map((kind) => [kind, faults.counts[kind]])),
    outcomes,
    reconcileViolations: report.violationCount,
    seconds: Math.round((Date.now() - startedMs) / 1000),
  };
}
