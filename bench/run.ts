/**
 * `npm run bench [-- --quick]`: what handlers, validation, auth and idempotency cost on top of DynamoDB's own
 * transaction. Bundles every function and times its cold import, starts a private DynamoDB Local (in memory) and the
 * API on free ports, seeds accounts, measures transfers raw / lib / api at 1, 8 and 32 in flight and login, then a
 * webhook's first delivery with `npm start`'s event pipeline running, then the same API in the Lambda model
 * (spread-out, hot credit and hot debit at 8 and 32 instances), then a hot account in process, stops everything, and
 * writes bench/results/latest.{json,md,svg} and the README's benchmark section.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { watchLauncher } from '../scripts/local/lifeline';
import { transferChart } from './chart';
import { measureColdStarts } from './cold-start';
import { cpuSampler } from './cpu';
import { lambdaInstanceCounts, lambdaLoads, lambdaStepLabel } from './lambda-loads';
import { Progress, type Step } from './progress';
import { markdownReport, updateReadme } from './report';
import { webhookShape, webhookStepLabel } from './webhook-results';
import { assemble, describeMachine, loadAverage1m, type BenchResults } from './results';
import { benchTableName, reserveDynamoEndpoint, startStack, type BenchStack } from './stack';

const root = resolve(__dirname, '..');
const resultsDir = join(root, 'bench', 'results');

/**
 * Phase lengths: the default run is sized to take a couple of minutes on two cores, `--quick` a fraction of that
 * (each run records its own step times in run.stepSeconds). To be short, `--quick` also times the cold imports while
 * DynamoDB Local and the API start, which inflates them: it is a smoke run.
 */
const settings = {
  full: {
    timing: { warmupMs: 800, measureMs: 3500, argon2Runs: 10, loginTimingSamples: 40 }, coldStartRuns: 5, overlapColdStart: false,
    // The Lambda model posts a few dozen transfers a second: a window of 15 s gives p99 about a thousand answers.
    // In a window of 6 s it was the 4th-worst of about 400, and the first answers of instances new to a hot account
    // (which read it twice, and may meet another instance on a shard before moving) decided it.
    lambda: { instanceCounts: lambdaInstanceCounts, measureMs: 15000 },
    // At the spread-out rate the window holds several hundred transfers for p99. The drain waits for what a pipeline
    // behind the load still owes, up to a bound; how long it waited is in the results.
    webhook: { warmupMs: 2000, measureMs: 8000, drainMsMax: 45000 },
  },
  quick: {
    timing: { warmupMs: 150, measureMs: 500, argon2Runs: 3, loginTimingSamples: 8 }, coldStartRuns: 1, overlapColdStart: true,
    // 32 cold instances and their contended stragglers take most of a minute: a smoke run stops at 8.
    lambda: { instanceCounts: [8], measureMs: 1000 },
    webhook: { warmupMs: 500, measureMs: 2000, drainMsMax: 45000 },
  },
} as const;

/** The steps in the order they run, with rough seconds each, for the progress bar. */
function plan(mode: 'quick' | 'full'): Step[] {
  const { timing, coldStartRuns, overlapColdStart, lambda, webhook } = settings[mode];
  const phaseS = (timing.warmupMs + timing.measureMs) / 1000 + 0.5;
  const transfers = [1, 8, 32].flatMap((c) => ['raw', 'lib', 'api'].map((m) => ({ label: `${m} ×${c}`, weightS: phaseS })));
  const splits = [1, 8].flatMap((c) => ['raw', 'lib'].map((m) => ({ label: `${m} 5-entry ×${c}`, weightS: phaseS })));
  const startup = overlapColdStart
    ? [{ label: 'cold start while DynamoDB Local and the API start', weightS: 12 }]
    : [{ label: 'cold start', weightS: coldStartRuns * 6 }, { label: 'start DynamoDB Local and the API', weightS: 12 }];
  return [
    ...startup,
    { label: 'seed accounts', weightS: 3 },
    ...transfers,
    ...splits,
    { label: 'argon2id', weightS: timing.argon2Runs * 0.1 },
    { label: 'login ×1', weightS: phaseS },
    { label: 'login ×8', weightS: phaseS + 2 },
    { label: 'login: unknown email vs wrong password', weightS: timing.loginTimingSamples * 0.15 },
    // Starting the pipeline and a fresh user's accounts, a warm-up until a delivery arrives, the window, and a drain.
    // Twice: at half the rate, then at the rate.
    ...[0.5, 1].map(() => ({ label: webhookStepLabel, weightS: (webhook.warmupMs + webhook.measureMs) / 1000 + 15 })),
    { label: 'start the Lambda model', weightS: 10 },
    // Each client's first request starts a new instance: at 32 that is 32 cold starts on the shared cores.
    ...lambda.instanceCounts.flatMap((n) => lambdaLoads.map((load) => ({
      label: lambdaStepLabel(load, n), weightS: (timing.warmupMs + lambda.measureMs) / 1000 + n / 4,
    }))),
    { label: 'spread-out payments', weightS: phaseS },
    { label: 'hot account', weightS: phaseS },
    { label: 'write results', weightS: 3 },
  ];
}

type Mode = 'quick' | 'full';
type ColdStarts = Awaited<ReturnType<typeof measureColdStarts>>;

/** What a run holds while it runs: the stack to stop, and whether it is still starting (and so stops itself). */
interface RunState {
  stack?: BenchStack;
  starting: boolean;
}

/**
 * Ctrl-C, a kill, or the launching npm going away all stop DynamoDB Local and the API, never leave them behind.
 * While they start, the start itself kills them and fails; otherwise this stops what runs and leaves.
 */
function stopOnInterrupt(state: RunState, progress: Progress): AbortController {
  const shutdown = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, () => shutdown.abort(signal));
  watchLauncher(() => shutdown.abort('the launching process is gone'));
  shutdown.signal.addEventListener('abort', () => {
    progress.clear();
    console.error('Interrupted: stopping DynamoDB Local and the API.');
    if (!state.starting) void (state.stack?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  }, { once: true });
  return shutdown;
}

/**
 * Times the cold imports and starts the stack: one after the other, or (in `--quick`) side by side. Either way
 * both are settled before anything else happens, so a failed start is never an unhandled rejection.
 */
async function coldStartsAndStack(mode: Mode, state: RunState, progress: Progress, shutdown: AbortSignal): Promise<{ cold: ColdStarts; stack: BenchStack }> {
  const { coldStartRuns, overlapColdStart } = settings[mode];
  const dynamo = await reserveDynamoEndpoint();
  // The storage client reads these once, when the ledger is first imported.
  process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
  process.env.TABLE_NAME = benchTableName;
  const coldStart = (): Promise<ColdStarts> => measureColdStarts(coldStartRuns, (fraction) => progress.update(fraction));
  state.starting = true;
  try {
    if (!overlapColdStart) {
      progress.begin('cold start');
      const cold = await coldStart();
      progress.begin('start DynamoDB Local and the API');
      state.stack = await startStack(dynamo.port, shutdown);
      return { cold, stack: state.stack };
    }
    progress.begin('cold start while DynamoDB Local and the API start');
    const [cold, stack] = await Promise.allSettled([coldStart(), startStack(dynamo.port, shutdown)]);
    if (stack.status === 'rejected') throw stack.reason;
    state.stack = stack.value;
    if (cold.status === 'rejected') throw cold.reason;
    return { cold: cold.value, stack: stack.value };
  } finally {
    state.starting = false;
  }
}

/**
 * Seeds the accounts and runs every measured phase against the running stack. The Lambda model runs after the
 * in-process API is done with, and is stopped before the in-process hot account, whose stragglers nothing waits for.
 */
async function measurePhases(stack: BenchStack, mode: Mode, progress: Progress, shutdown: AbortSignal) {
  const { timing } = settings[mode];
  const phases = await import('./phases');
  const { measureLambda } = await import('./lambda');
  progress.begin('seed accounts');
  const fixture = await phases.seed(stack.api.url);
  const sampleCpu = cpuSampler({ dynamodb: stack.dynamo.process.pid, api: stack.api.process.pid });
  const context = { progress, timing, sampleCpu };
  const transfers = await phases.measureTransfers(fixture, stack.api.url, context);
  const splits = await phases.measureSplits(fixture, context);
  const login = await phases.measureLogin(fixture, stack.api.url, context);
  // Right after login, whose steps post nothing: the event pipeline starts at the stream's oldest record, and there are
  // fewer to read than after the Lambda model's loads or the hot account's. At half the rate first, then at the rate.
  const { measureWebhookLatency } = await import('./webhook-latency');
  const webhookStack = { apiUrl: stack.api.url, startEventPipeline: stack.startEventPipeline };
  const webhookHalfRate = await measureWebhookLatency(webhookStack, context, webhookShape(transfers, settings[mode].webhook, 0.5), shutdown);
  const webhook = await measureWebhookLatency(webhookStack, context, webhookShape(transfers, settings[mode].webhook), shutdown);
  progress.begin('start the Lambda model');
  const lambdaApi = await stack.startLambda(shutdown);
  const lambda = await measureLambda(fixture, lambdaApi, context, settings[mode].lambda);
  await lambdaApi.api.stop();
  const hot = await phases.measureHotAccount(fixture, context);
  return { transfers, splits, login, lambda, hot, webhook, webhookHalfRate };
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
  const mode: Mode = values.quick ? 'quick' : 'full';
  const { timing, overlapColdStart } = settings[mode];
  const warnings = collectWarnings();
  const startedAt = new Date().toISOString();
  const startedMs = performance.now();
  const loadAtStart = loadAverage1m();
  const progress = new Progress(plan(mode));
  const state: RunState = { starting: false };
  const shutdown = stopOnInterrupt(state, progress);
  try {
    const { cold, stack } = await coldStartsAndStack(mode, state, progress, shutdown.signal);
    shutdown.signal.throwIfAborted();
    const { transfers, splits, login, lambda, hot, webhook, webhookHalfRate } = await measurePhases(stack, mode, progress, shutdown.signal);
    progress.begin('write results');
    await stack.stop();
    state.stack = undefined;
    const results = assemble({
      machine: describeMachine(),
      run: {
        mode, startedAt, durationS: Math.round((performance.now() - startedMs) / 1000), timing, loadAverage1mAtStart: loadAtStart,
        stepSeconds: progress.spentSeconds(),
        notes: notesFor(loadAtStart, overlapColdStart, [transfers, splits, hot, login, lambda, webhook]),
      },
      transfers, splits, hot, cold, login, lambda, webhook, webhookHalfRate,
    });
    const markdown = write(results);
    progress.finish();
    for (const warning of warnings) console.error(`(warning seen during the run: ${warning})`);
    process.stdout.write(`\n${markdown}`);
    return 0;
  } catch (error) {
    progress.clear();
    if (shutdown.signal.aborted) return 130;
    console.error(`npm run bench failed: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    return 1;
  } finally {
    await state.stack?.stop();
  }
}

/** Writes latest.json, latest.md, latest.svg and the README section; returns the markdown. */
function write(results: BenchResults): string {
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(join(resultsDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(resultsDir, 'latest.svg'), transferChart(results));
  const markdown = markdownReport(results, 'bench/results/latest.svg');
  writeFileSync(join(resultsDir, 'latest.md'), markdownReport(results, 'latest.svg'));
  updateReadme(join(root, 'README.md'), markdown);
  return markdown;
}

/** What a reader must know to weigh the figures: the shared cores, and any failures the phases saw. */
function notesFor(loadAtStart: number, overlapColdStart: boolean, parts: unknown[]): string[] {
  // scripts/local/offline.ts always starts the API with --useInProcess.
  const notes = [
    'The bench client, the API (serverless offline, every handler in its one process) and DynamoDB Local (Java) all share this machine\'s ' +
      'cores, so api figures include the API process competing with the database for CPU.',
    'In the Lambda model every instance is a Node process on the same cores as well: at 32 instances, 32 `createTransfer` ' +
      'processes, the model\'s gateway, the bench client and DynamoDB Local share two CPUs, which Lambda never makes them do.',
  ];
  if (overlapColdStart) {
    notes.push('--quick timed the cold imports while DynamoDB Local and the API started, so they read high; run without --quick for those figures.');
  }
  if (loadAtStart > 1) notes.push(`Other work was running when the bench started (load average ${loadAtStart}); figures may be low.`);
  const failures = new Set<string>();
  const walk = (value: unknown): void => {
    if (!value || typeof value !== 'object') return;
    if ('failures' in value && Array.isArray(value.failures)) value.failures.forEach((f) => failures.add(String(f)));
    Object.values(value).forEach(walk);
  };
  parts.forEach(walk);
  for (const failure of [...failures].slice(0, 5)) notes.push(`A failure seen: ${failure}`);
  return notes;
}

/**
 * Keeps Node's warnings (the AWS SDK's Node version notice) off the progress bar; they are printed once at the end.
 */
function collectWarnings(): Set<string> {
  const seen = new Set<string>();
  process.removeAllListeners('warning');
  process.on('warning', (warning) => seen.add(`${warning.name}: ${warning.message.split('\n')[0]}`));
  return seen;
}

void main().then((code) => process.exit(code));
