/**
 * `npm test [-- jest arguments]`: typechecks, starts a private DynamoDB Local (in memory) and the HTTP API on free
 * ports, runs jest against them, stops everything and exits with jest's code. Extra arguments go to jest, so
 * `npm test -- tests/unit` runs the unit tests only. The API's output is kept in a log file (API_LOG_FILE) that tests
 * scan for secrets; it is deleted after a green run and kept, with its path printed, after a red one.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createLocalTable, requireJava, startDynamo, type LocalDynamo } from './local/dynamo';
import { watchLauncher } from './local/lifeline';
import { startApi, type LocalApi } from './local/offline';
import { freePort } from './local/ports';

const root = resolve(__dirname, '..');
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
};

/** How a child process ended: its exit code, or 128 plus the signal number as a shell reports it. */
interface Outcome {
  code: number;
  output: string;
}

/** Runs `node <args>` to its end. `inherit` shows its output as it comes; otherwise it is collected. */
function runNode(args: string[], options: { env?: NodeJS.ProcessEnv; inherit: boolean; shutdown: AbortSignal }): Promise<Outcome> {
  return new Promise((done) => {
    const child = spawn(process.execPath, args, {
      cwd: root,
      env: options.env ?? process.env,
      stdio: options.inherit ? 'inherit' : ['ignore', 'pipe', 'pipe'],
      signal: options.shutdown,
      killSignal: 'SIGTERM',
    });
    let output = '';
    const collect = (chunk: Buffer): void => { output = (output + chunk.toString()).slice(-collectedCharsMax); };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    // An abort kills the child and reports an AbortError here; the exit below still tells how it ended.
    child.on('error', (error) => { output += `\n${error.message}`; });
    child.once('close', (code, signal) => done({ code: code ?? (signal ? 128 + constants.signals[signal] : 1), output }));
  });
}

/** Two distinct free ports: the OS may hand out a port again once the probe that found it has closed. */
async function twoFreePorts(): Promise<[number, number]> {
  const first = await freePort();
  let second = await freePort();
  while (second === first) second = await freePort();
  return [first, second];
}

/** Jest's arguments: the caller's, plus a worker bound unless the caller chose one. */
function jestArgs(extra: string[]): string[] {
  const chosen = extra.some((arg) => /^(-w|-i|--maxWorkers|--runInBand)(=|$)/.test(arg));
  return [join(root, 'node_modules/jest/bin/jest.js'), ...(chosen ? [] : [`--maxWorkers=${jestWorkersMax}`]), ...extra];
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
  const apiLog: WriteStream = createWriteStream(apiLogFile);
  let dynamo: LocalDynamo | undefined;
  let api: LocalApi | undefined;
  let code = 1;
  const startedMs = Date.now();
  try {
    requireJava();
    // The typecheck and both services start side by side: none needs another until the tests run.
    const typecheck = runNode([join(root, 'node_modules/typescript/bin/tsc'), '--noEmit', '-p', root], {
      inherit: false,
      shutdown: shutdown.signal,
    });
    const [dynamoPort, apiPort] = await twoFreePorts();
    const dynamoEndpoint = `http://127.0.0.1:${dynamoPort}`;
    const [dynamoStarted, apiStarted] = await Promise.allSettled([
      startDynamo(dynamoPort, undefined, shutdown.signal),
      startApi({
        port: apiPort,
        dynamoEndpoint,
        tableName,
        onOutput: (chunk) => apiLog.write(chunk),
        shutdown: shutdown.signal,
      }),
    ]);
    if (dynamoStarted.status === 'fulfilled') dynamo = dynamoStarted.value;
    if (apiStarted.status === 'fulfilled') api = apiStarted.value;
    if (dynamoStarted.status === 'rejected') throw dynamoStarted.reason;
    if (apiStarted.status === 'rejected') throw apiStarted.reason;
    await createLocalTable(dynamoEndpoint, tableName);
    const checked = await typecheck;
    shutdown.signal.throwIfAborted();
    // A type error fails the run, but the tests still run: their results help while the types are being fixed.
    const typecheckPassed = checked.code === 0;
    if (!typecheckPassed) console.error(`${checked.output.trim()}\n\nnpm test: the typecheck failed (tsc --noEmit).`);
    console.log(`npm test: DynamoDB Local and the API are up (${Date.now() - startedMs} ms); running jest.`);
    const jest = await runNode(jestArgs(process.argv.slice(2)), {
      inherit: true,
      shutdown: shutdown.signal,
      env: {
        ...process.env,
        DYNAMODB_ENDPOINT: dynamoEndpoint,
        API_URL: apiStarted.value.url,
        API_LOG_FILE: apiLogFile,
      },
    });
    code = shutdown.signal.aborted ? exitCodeFor(shutdown.signal.reason) : jest.code;
    if (code === 0 && !typecheckPassed) {
      console.error('npm test: the tests passed, but the typecheck failed (see the errors above).');
      code = 1;
    }
    return code;
  } catch (error) {
    if (shutdown.signal.aborted) {
      code = exitCodeFor(shutdown.signal.reason);
    } else {
      console.error(`npm test: ${error instanceof Error ? error.message : String(error)}`);
    }
    return code;
  } finally {
    await api?.stop();
    await dynamo?.stop();
    await new Promise((done) => apiLog.end(done));
    if (code === 0) rmSync(workDir, { recursive: true, force: true });
    else console.error(`npm test: the API log is kept at ${apiLogFile}`);
  }
}

/** The exit code a shell gives a process ended by `reason`. */
function exitCodeFor(reason: unknown): number {
  return reason === 'SIGINT' ? 130 : reason === 'SIGHUP' ? 129 : 143;
}

void main().then((code) => process.exit(code));
