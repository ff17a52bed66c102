import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isRunning } from './lifeline';
import { freePort, waitFor } from './ports';

const readyTimeoutMs = 90_000;
const probeTimeoutMs = 5000;

/** A running `serverless offline`. */
export interface LocalApi {
  url: string;
  process: ChildProcess;
  stop: () => Promise<void>;
}

const stagePattern = /^[a-z][a-z0-9-]{0,31}$/;

/**
 * The stage whose table is `tableName`. `serverless.yml` names the table `payments-<stage>` and sets TABLE_NAME for
 * every handler, overriding the environment, so a table by any other name would never reach the handlers.
 */
export function stageForTable(tableName: string): string {
  const stage = tableName.startsWith('payments-') ? tableName.slice('payments-'.length) : '';
  if (!stagePattern.test(stage)) {
    throw new Error(`TABLE_NAME must be payments-<stage> (a stage of lower-case letters, digits and dashes), not "${tableName}": serverless.yml names the table after the stage.`);
  }
  return stage;
}

/**
 * Serves the HTTP API with `serverless offline` on `port`, against the DynamoDB Local at `dynamoEndpoint`, at the
 * stage whose table is `tableName`. The Lambda invoke port is a free one, so two platforms can run side by side.
 * Everything offline and the handlers print goes to `onOutput`, or straight into `logFile`: a process that is busy
 * itself (the benchmark's load generator) drains a pipe late, and once the pipe is full every line the API prints
 * blocks it. Aborting `shutdown` while it starts kills it and rejects; afterwards, `stop` is the way to end it.
 */
export async function startApi(options: {
  port: number;
  dynamoEndpoint: string;
  tableName: string;
  env?: Record<string, string>;
  onOutput?: (chunk: string) => void;
  logFile?: string;
  shutdown?: AbortSignal;
}): Promise<LocalApi> {
  const stage = stageForTable(options.tableName);
  const lambdaPort = await freePort();
  const root = resolve(__dirname, '../..');
  let logFd: number | undefined;
  const child = spawn(process.execPath, [
    resolve(root, 'node_modules/serverless/bin/serverless.js'),
    'offline', 'start',
    '--stage', stage,
    '--host', '127.0.0.1',
    // One process for every handler: a worker thread per concurrent invocation would transpile the whole app again
    // for each one, and under a burst of requests those cold starts alone outlast the Lambda timeout.
    '--useInProcess',
    '--httpPort', String(options.port),
    '--lambdaPort', String(lambdaPort),
  ], {
    cwd: root,
    env: {
      ...process.env,
      ...options.env,
      DYNAMODB_ENDPOINT: options.dynamoEndpoint,
      TABLE_NAME: options.tableName,
      SLS_TELEMETRY_DISABLED: '1',
      SLS_NOTIFICATIONS_MODE: 'off',
    },
    stdio: options.logFile ? ['ignore', logFd = openSync(options.logFile, 'a'), logFd] : ['ignore', 'pipe', 'pipe'],
  });
  // The child holds its own copy of the descriptor.
  if (logFd !== undefined) closeSync(logFd);
  let output = '';
  const collect = (chunk: Buffer): void => {
    const text = chunk.toString();
    output = (output + text).slice(-4000);
    options.onOutput?.(text);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const url = `http://127.0.0.1:${options.port}`;
  const failed = (): Error | undefined => {
    if (options.shutdown?.aborted) return new Error('a shutdown was asked for');
    if (!isRunning(child)) {
      const printed = options.logFile ? readFileSync(options.logFile, 'utf8').slice(-4000) : output;
      return new Error(`it exited: ${printed.trim()}`);
    }
    return undefined;
  };
  try {
    await waitFor('serverless offline', async () => {
      await fetch(`${url}/health-probe`, { signal: AbortSignal.timeout(probeTimeoutMs) });
    }, readyTimeoutMs, failed);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const stop = async (): Promise<void> => {
    if (isRunning(child)) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((done) => setTimeout(done, 5000).unref())]);
    if (isRunning(child)) child.kill('SIGKILL');
  };
  return { url, process: child, stop };
}
