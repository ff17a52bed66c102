/**
 * `npm run soak`: the long version of the safety suite. On a private DynamoDB Local and API of its own:
 * 1. faults: random ledger workloads (at least --ops operations) with injected conflicts, throttling, timeouts and
 *    lost responses, each run checked against the in-memory model, and the whole table reconciled at the end;
 * 2. instances: at least --instance-ops operations over --instances isolated ledger instances under DynamoDB's own
 *    concurrency rules (the Lambda model), with bursts of keyed payments into one merchant that must post once each;
 * 3. fuzz: at least --fuzz generated bad requests over HTTP, each of which must answer a 4xx problem, with the table
 *    byte-for-byte unchanged and no secret in the API's output;
 * 4. crash: `npm start` with persisted data, kill -9 of DynamoDB Local and then of the API mid-load, restart, retry;
 *    every stored transfer's `transaction.posted` must reach a webhook receiver, under one event id.
 * It prints its figures and exits 1 if any invariant broke or any request answered an unexpected 5xx.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createLocalTable, startDynamo } from './local/dynamo';
import { freePort } from './local/ports';

const { values: args } = parseArgs({
  options: {
    ops: { type: 'string', default: '10000' },
    fuzz: { type: 'string', default: '10000' },
    crash: { type: 'string', default: '600' },
    'instance-ops': { type: 'string', default: '3000' },
    instances: { type: 'string', default: '4' },
    seed: { type: 'string' },
  },
});
const opsTarget = Number(args.ops);
const fuzzTarget = Number(args.fuzz);
const crashRequests = Number(args.crash);
const instanceOpsTarget = Number(args['instance-ops']);
const instancesCount = Number(args.instances);
const seed = args.seed === undefined ? Date.now() % 2 ** 31 : Number(args.seed);

/** The fault mix of the long run: the same kinds as the short one, every one frequent. */
const faultRates = {
  write: { conflict: 0.08, throttleOnce: 0.02, timeoutOnce: 0.04, lostOnce: 0.08, lostAlways: 0.03, downAlways: 0.02, lostThenThrottled: 0.01 },
  read: { timeoutOnce: 0.02, throttleOnce: 0.005, throttleAlways: 0.002 },
};

async function main(): Promise<number> {
  const startedMs = Date.now();
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  process.env.JWT_SECRET ||= randomBytes(32).toString('hex');
  process.env.TABLE_NAME = 'payments-soak';
  const dynamo = await startDynamo(await freePort());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void dynamo.stop().finally(() => process.exit(130)));
  }
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  await createLocalTable(dynamo.endpoint, process.env.TABLE_NAME);
  console.log(`soak: seed ${seed}; DynamoDB Local at ${dynamo.endpoint}, table ${process.env.TABLE_NAME}`);
  try {
    // Loaded only now: the ledger reads its configuration once, when it loads.
    const { faultPhase } = await import('./soak/faults');
    const { instancesPhase } = await import('./soak/instances');
    const { fuzzPhase } = await import('./soak/fuzz');
    const { crashRun } = await import('./soak/crash');
    const faults = await faultPhase(opsTarget, faultRates, seed);
    console.log(`\nfaults: ${faults.operations} operations in ${faults.runs} runs, ${faults.injected} faults injected ${JSON.stringify(faults.byKind)}`);
    console.log(`  answers: ${JSON.stringify(faults.outcomes)}`);
    console.log(`  unexpected errors (500): ${faults.unexpected}; model violations: ${faults.modelViolations}; reconcile violations: ${faults.reconcileViolations} (${faults.seconds} s)`);
    const inst = await instancesPhase(instanceOpsTarget, instancesCount, seed);
    console.log(`\ninstances (Lambda model, ${inst.instances} instances): ${inst.operations} operations in ${inst.runs} random runs and `
      + `${inst.keyed.payments} keyed hot payments (${inst.keyed.retries} retries, ${inst.keyed.posted} posted, ${inst.keyed.unsettled} still busy)`);
    console.log(`  DynamoDB model: ${inst.aws.transactions} transactions, ${inst.aws.conflicts} TransactionConflict, ${inst.aws.inProgress} TransactionInProgress, ${inst.aws.throttled} throttled`);
    console.log(`  answers: ${JSON.stringify(inst.outcomes)}`);
    console.log(`  unexpected errors (500): ${inst.unexpected}; model violations: ${inst.modelViolations}; exactly-once violations: ${inst.exactlyOnceViolations}; `
      + `reconcile violations: ${inst.reconcileViolations} (${inst.seconds} s)`);
    const fuzz = await fuzzPhase(fuzzTarget, seed);
    console.log(`\nfuzz: ${fuzz.requests} bad requests, answers ${JSON.stringify(fuzz.statuses)}`);
    console.log(`  5xx: ${fuzz.fiveHundreds}; other wrong answers: ${fuzz.wrongAnswers}; table changed: ${fuzz.tableChanged}; secrets in logs: ${fuzz.secretsLogged} (${fuzz.seconds} s)`);
    const crashes = [];
    for (const victim of crashRequests > 0 ? (['dynamodb', 'api'] as const) : []) {
      const crashStartedMs = Date.now();
      const crash = await crashRun(victim, crashRequests);
      crashes.push(crash);
      console.log(`\ncrash (kill -9 ${victim}): ${crash.requests} keyed transfers, ${crash.acknowledged} acknowledged before the kill, ${crash.retried} retried after restart, ${crash.stored} stored`);
      console.log(`  webhooks: ${crash.webhooks.delivered} transfers' transaction.posted delivered, ${crash.webhooks.repeats} repeated deliveries`);
      console.log(`  5xx on retry: ${crash.fiveHundreds}; violations: ${crash.violations.length} (${((Date.now() - crashStartedMs) / 1000).toFixed(0)} s)`);
      for (const violation of crash.violations.slice(0, 20)) console.log(`    ${violation}`);
    }
    const violations = faults.modelViolations + faults.reconcileViolations
      + inst.modelViolations + inst.exactlyOnceViolations + inst.reconcileViolations + Number(fuzz.tableChanged) + fuzz.secretsLogged
      + fuzz.wrongAnswers + crashes.reduce((sum, c) => sum + c.violations.length, 0);
    const fiveHundreds = faults.unexpected + inst.unexpected + fuzz.fiveHundreds + crashes.reduce((sum, c) => sum + c.fiveHundreds, 0);
    const operations = faults.operations + inst.operations + fuzz.requests + crashes.reduce((sum, c) => sum + c.requests, 0);
    console.log(`\nsoak: ${operations} operations (${faults.operations} ledger operations under faults, ${inst.operations} across instances, ${fuzz.requests} fuzzed requests, `
      + `${crashes.reduce((sum, c) => sum + c.requests, 0)} transfers across crashes); ${faults.injected} faults injected, 2 processes killed`);
    console.log(`soak: ${fiveHundreds} unexpected 5xx, ${violations} invariant violations, ${((Date.now() - startedMs) / 1000).toFixed(0)} s`);
    return violations === 0 && fiveHundreds === 0 ? 0 : 1;
  } finally {
    await dynamo.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`soak: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(2);
  },
);
