import { closeSync, openSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { freePort } from './ports';
import { start, waitUntilReady, type Service } from './supervise';

const readyTimeoutMs = 90_000;
const root = resolve(__dirname, '../..');

/** A running `serverless offline`. */
export interface LocalApi extends Service {
  url: string;
}

/** How `startApi` runs the API. */
export interface ApiOptions {
  port: number;
  dynamoEndpoint: string;
  tableName: string;
  env?: Record<string, string>;
  onOutput?: (chunk: string) => void;
  logFile?: string;
  shutdown?: AbortSignal;
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
export async function startApi(options: ApiOptions): Promise<LocalApi> {
  const stage = stageForTable(options.tableName);
  const args = offlineArgs(stage, options.port, await freePort());
  const env = {
    ...options.env,
    DYNAMODB_ENDPOINT: options.dynamoEndpoint,
    TABLE_NAME: options.tableName,
    // Read by deploy/functions.cjs: the schedules npm start's sweeper runs itself stay off here.
    PAYMENTS_OFFLINE: 'true',
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
  };
  const logFd = options.logFile === undefined ? undefined : openSync(options.logFile, 'a');
  const service = start('serverless offline', process.execPath, args, {
    cwd: root,
    env,
    stdio: logFd === undefined ? ['ignore', 'pipe', 'pipe'] : ['ignore', logFd, logFd],
    onOutput: options.onOutput,
  });
  // The child holds its own copy of the descriptor.
  if (logFd !== undefined) closeSync(logFd);
  const url = `http://127.0.0.1:${options.port}`;
  const logFile = options.logFile;
  await waitUntilReady(service, `http-get://127.0.0.1:${options.port}/health-probe`, {
    timeoutMs: readyTimeoutMs,
    shutdown: options.shutdown,
    describeExit: logFile === undefined ? undefined : () => readFileSync(logFile, 'utf8').slice(-4000),
  });
  return { ...service, url };
}

/**
 * Serves the HTTP API in the Lambda model (scripts/local/lambda-model.ts) instead: every function bundled once, each
 * concurrent request served by its own warm instance. The options are `startApi`'s.
 */
export async function startLambdaApi(options: ApiOptions): Promise<LocalApi> {
  stageForTable(options.tableName);
  const env = {
    ...options.env,
    PORT: String(options.port),
    DYNAMODB_ENDPOINT: options.dynamoEndpoint,
    TABLE_NAME: options.tableName,
    JWT_SECRET_PARAMETER: '',
  };
  const logFd = options.logFile === undefined ? undefined : openSync(options.logFile, 'a');
  const service = start('the Lambda model', process.execPath, ['--import', 'tsx', resolve(__dirname, 'lambda-model.ts')], {
    cwd: root,
    env,
    stdio: logFd === undefined ? ['ignore', 'pipe', 'pipe'] : ['ignore', logFd, logFd],
    onOutput: options.onOutput,
  });
  if (logFd !== undefined) closeSync(logFd);
  const logFile = options.logFile;
  await waitUntilReady(service, `http-get://127.0.0.1:${options.port}/health-probe`, {
    timeoutMs: readyTimeoutMs,
    shutdown: options.shutdown,
    describeExit: logFile === undefined ? undefined : () => readFileSync(logFile, 'utf8').slice(-4000),
  });
  return { ...service, url: `http://127.0.0.1:${options.port}` };
}

/** The command line of `serverless offline` for one stage and pair of ports. */
function offlineArgs(stage: string, httpPort: number, lambdaPort: number): string[] {
  return [
    resolve(root, 'node_modules/serverless/bin/serverless.js'),
    'offline', 'start',
    '--stage', stage,
    '--host', '127.0.0.1',
    // One process for every handler: a worker thread per concurrent invocation would transpile the whole app again
    // for each one, and under a burst of requests those cold starts alone outlast the Lambda timeout.
    '--useInProcess',
    '--httpPort', String(httpPort),
    '--lambdaPort', String(lambdaPort),
  ];
}
