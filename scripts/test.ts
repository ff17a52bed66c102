/**
 * `npm test [-- jest arguments]`: typechecks, starts a private DynamoDB Local (in memory) and the HTTP API on free
 * ports, runs jest against them, stops everything and exits with jest's code. Extra arguments go to jest, so
 * `npm test -- tests/unit` runs the unit tests only. The API's output is kept in a log file (API_LOG_FILE) that tests
 * scan for secrets; it is deleted after a green run and kept, with its path printed, after a red one.
 */
import { createWriteStream, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import execa from 'execa';
import { createLocalTable, requireJava, startDynamo, type LocalDynamo } from './local/dynamo';
import { watchLauncher } from './local/lifeline';
import { startApi, startLambdaApi, type LocalApi } from './local/offline';
import { freePort } from './local/ports';

const root = resolve(__dirname, '..');
/** `npm test -- --lambda …`: the API in the Lambda model (scripts/local/lambda-model.ts) instead of in one process. */
const lambdaModel = process.argv.includes('--lambda');
const tableName = 'payments-test';
const jestWorkersMax = 2;
/** How much of a quiet child's output (the typecheck's) is kept to show when it fails. */
const collectedCharsMax = 200_000;

/**
 * The environment both the API and jest see. The secret is fixed and public so that tests can forge tokens the API
 * accepts; it signs nothing outside a test run. Settings a developer's shell may hold are pinned.
 */
const sharedEnv = {
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  TABLE_NAME: tableName,
  JWT_SECRET: 'test-only-jwt-secret-never-used-outside-npm-test',
  TOKEN_TTL_SECONDS: '900',
  TOKEN_ISSUER: 'serverless-payments',
  JWT_SECRET_PARAMETER: '',
  // Every end-to-end test calls from 127.0.0.1, and many fail logins on purpose (the throttling tests alone fail
  // dozens), so the per-address limit of 50 would refuse tests that never meant to test it. The integration test of
  // the login throttle checks that limit at its real value, with addresses of its own.
  LOGIN_ADDRESS_FAILURES_MAX: '1000000',
};

/** How a child process ended: its exit code, or 128 plus the signal number as a shell reports it. */
interface Outcome {
  code: number;
  output: string;
}

/**
 * Runs `node <args>` to its end. `inherit` shows its output as it comes; otherwise it is collected. An abort of
 * `shutdown` kills it (SIGTERM), and the outcome still tells how it ended.
 */
async function runNode(args: string[], options: { env?: NodeJS.ProcessEnv; inherit: boolean; shutdown: AbortSignal }): Promise<Outcome> {
  const result = await execa(process.execPath, args, {
    cwd: root,
    env: options.env,
    stdio: options.inherit ? 'inherit' : ['ignore', 'pipe', 'pipe'],
    all: !options.inherit,
    reject: false,
    // Passed on to child_process.spawn, which kills the child when the signal aborts.
    signal: options.shutdown,
  } as execa.Options);
  const signalled = result.signal ? 128 + constants.signals[result.signal as NodeJS.Signals] : 1;
  // A child that could not start at all says why only in the error message.
  const why = result.exitCode === undefined && 'shortMessage' in result ? `\n${String(result.shortMessage)}` : '';
  const output = `${result.all ?? ''}${why}`;
  return { code: typeof result.exitCode === 'number' ? result.exitCode : signalled, output: output.slice(-collectedCharsMax) };
}

/** Jest's arguments: the caller's, plus a worker bound unless the caller chose one. */
function jestArgs(extra: string[]): string[] {
  const chosen = extra.some((arg) => /^(-w|-i|--maxWorkers|--runInBand)(=|$)/.test(arg));
  return [join(root, 'node_modules/jest/bin/jest.js'), ...(chosen ? [] : [`--maxWorkers=${jestWorkersMax}`]), ...extra];
}

/** What one run holds: the services it started (to stop) and the API log (to keep or delete). */
interface Run {
  shutdown: AbortController;
  workDir: string;
  apiLogFile: string;
  apiLog: WriteStream;
  dynamo?: LocalDynamo;
  api?: LocalApi;
}

/** Starts DynamoDB Local and the API side by side on free ports, then creates the table. */
async function startServices(run: Run): Promise<{ dynamoEndpoint: string; apiUrl: string }> {
  // get-port holds the ports it hands out, so the two are distinct.
  const [dynamoPort, apiPort] = [await freePort(), await freePort()];
  const dynamoEndpoint = `http://127.0.0.1:${dynamoPort}`;
  const [dynamo, api] = await Promise.allSettled([
    startDynamo(dynamoPort, undefined, run.shutdown.signal),
    (lambdaModel ? startLambdaApi : startApi)({
      port: apiPort, dynamoEndpoint, tableName, onOutput: (chunk) => run.apiLog.write(chunk), shutdown: run.shutdown.signal,
    }),
  ]);
  if (dynamo.status === 'fulfilled') run.dynamo = dynamo.value;
  if (api.status === 'fulfilled') run.api = api.value;
  if (dynamo.status === 'rejected') throw dynamo.reason;
  if (api.status === 'rejected') throw api.reason;
  await createLocalTable(dynamoEndpoint, tableName);
  return { dynamoEndpoint, apiUrl: api.value.url };
}

/**
 * Typechecks and starts the services at the same time (none needs another until the tests run), then runs jest
 * against them. Resolves with the exit code.
 */
async function typecheckAndTest(run: Run): Promise<number> {
  const startedMs = Date.now();
  requireJava();
  const { signal } = run.shutdown;
  const typecheck = runNode([join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', root], { inherit: false, shutdown: signal });
  const services = await startServices(run);
  const checked = await typecheck;
  signal.throwIfAborted();
  // A type error fails the run, but the tests still run: their results help while the types are being fixed.
  const typecheckPassed = checked.code === 0;
  if (!typecheckPassed) console.error(`${checked.output.trim()}\n\nnpm test: the typecheck failed (tsc --noEmit).`);
  console.log(`npm test: DynamoDB Local and the API are up (${Date.now() - startedMs} ms); running jest.`);
  const env = {
    ...process.env, DYNAMODB_ENDPOINT: services.dynamoEndpoint, API_URL: services.apiUrl, API_LOG_FILE: run.apiLogFile,
    API_MODEL: lambdaModel ? 'lambda' : 'in-process',
  };
  const extra = process.argv.slice(2).filter((arg) => arg !== '--lambda');
  let code = (await runNode(jestArgs(extra), { inherit: true, shutdown: signal, env })).code;
  if (signal.aborted) return exitCodeFor(signal.reason);
  // The checks of what the whole suite did (the AWS calls each function made) run after it, on a full run only.
  if (code === 0 && extra.length === 0) {
    console.log('npm test: the suite passed; checking what it did (tests/after).');
    code = (await runNode(jestArgs(['--testPathIgnorePatterns', '/node_modules/', '--', 'tests/after']), { inherit: true, shutdown: signal, env })).code;
    if (signal.aborted) return exitCodeFor(signal.reason);
  }
  if (code === 0 && !typecheckPassed) {
    console.error('npm test: the tests passed, but the typecheck failed (see the errors above).');
    return 1;
  }
  return code;
}

/** Stops what the run started; deletes the API log after a green run and names it after a red one. */
async function cleanUp(run: Run, code: number): Promise<void> {
  await run.api?.stop();
  await run.dynamo?.stop();
  await new Promise((done) => run.apiLog.end(done));
  if (code === 0) rmSync(run.workDir, { recursive: true, force: true });
  else console.error(`npm test: the API log is kept at ${run.apiLogFile}`);
}

async function main(): Promise<number> {
  Object.assign(process.env, sharedEnv);
  const shutdown = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => shutdown.abort(signal));
  }
  watchLauncher(() => shutdown.abort('SIGHUP'));
  const workDir = mkdtempSync(join(tmpdir(), 'payments-test-'));
  const apiLogFile = join(workDir, 'api.log');
  const run: Run = { shutdown, workDir, apiLogFile, apiLog: createWriteStream(apiLogFile) };
  // The API records every AWS call each function makes here, for the IAM check in tests/after.
  process.env.AWS_CALL_LOG ??= join(workDir, 'aws-calls.jsonl');
  // The templates the suite packages, kept for the checks after it (tests/deploy/package.ts).
  process.env.PACKAGED_TEMPLATES_DIR = join(workDir, 'templates');
  let code = 1;
  try {
    code = await typecheckAndTest(run);
  } catch (error) {
    if (shutdown.signal.aborted) code = exitCodeFor(shutdown.signal.reason);
    else console.error(`npm test: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await cleanUp(run, code);
  }
  return code;
}

/** The exit code a shell gives a process ended by `reason`. */
function exitCodeFor(reason: unknown): number {
  return reason === 'SIGINT' ? 130 : reason === 'SIGHUP' ? 129 : 143;
}

void main().then((code) => process.exit(code));
