/**
 * The soak's fault phase: random workloads through the ledger's own code under injected faults, in rounds of
 * fast-check runs (each round shrinks its own failure to a minimal sequence), until the operation target is met.
 */
import fc from 'fast-check';
import { reconcileTable } from '../../lib/ledger/reconcile';
import { db } from '../../lib/storage/client';
import { balancesOf, inProcessDriver } from '../../tests/support/drivers';
import { FaultInjector, faultKinds, type FaultRates } from '../../tests/support/faults';
import { runScenario, scenarioArb } from '../../tests/support/scenario';

const runsPerRound = 10;

export async function faultPhase(target: number, rates: FaultRates, seed: number) {
  const startedMs = Date.now();
  const faults = new FaultInjector(db).install();
  const outcomes: Record<string, number> = {};
  let operations = 0;
  let runs = 0;
  let modelViolations = 0;
  let unexpected = 0;
  const property = fc.asyncProperty(scenarioArb({ commandsMax: 40, batchMax: 8 }), async (scenario) => {
    inProcessDriver.unexpected.length = 0;
    faults.enable(rates);
    const run = await runScenario(inProcessDriver, scenario, { quietly: (read) => faults.quietly(read) })
      .finally(() => faults.disable());
    runs += 1;
    operations += run.operations;
    for (const [name, count] of Object.entries(run.model.tally())) outcomes[name] = (outcomes[name] ?? 0) + count;
    unexpected += inProcessDriver.unexpected.length;
    const problems = [
      ...run.problems,
      ...run.model.compareBalances(await balancesOf(run.accountIds)),
      ...inProcessDriver.unexpected.map((e) => `unexpected ${e.name}: ${e.message}`),
    ];
    modelViolations += problems.length - inProcessDriver.unexpected.length;
    if (problems.length > 0) throw new Error(problems.slice(0, 20).join('\n'));
  });
  for (let round = 0; operations < target; round += 1) {
    const result = await fc.check(property, { numRuns: runsPerRound, seed: seed + round });
    if (result.failed) console.log(fc.defaultReportMessage(result));
    process.stdout.write(`\rfaults: ${operations}/${target} operations, ${faults.injected()} faults injected   `);
  }
  const report = await reconcileTable();
  for (const violation of report.violations.slice(0, 20)) console.log(`  [${violation.check}] ${violation.subject}: ${violation.detail}`);
  return {
    operations,
    runs,
    injected: faults.injected(),
    byKind: Object.fromEntries(faultKinds.map((kind) => [kind, faults.counts[kind]])),
    outcomes,
    unexpected,
    modelViolations,
    reconcileViolations: report.violationCount,
    seconds: Math.round((Date.now() - startedMs) / 1000),
  };
}
