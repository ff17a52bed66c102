import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createLocalTable, startDynamo, type LocalDynamo } from '../scripts/local/dynamo';
import { startApi, startLambdaApi, type LocalApi } from '../scripts/local/offline';
import { freePort } from '../scripts/local/ports';
import { start, waitUntilReady, type Service } from '../scripts/local/supervise';

/**
 * The table the benchmark writes to. serverless.yml names the handlers' table after the stage, and the local stage
 * is `local`; the benchmark's DynamoDB Local is its own, in memory, so the name cannot clash with `npm start`'s data.
 */
export const benchTableName = 'payments-local';

/**
 * The secret the benchmark's API signs tokens with. It is public on purpose: it signs nothing outside a bench run,
 * and setting it keeps the development-secret warning out of the API's output.
 */
const benchJwtSecret = 'bench-only-jwt-secret-that-signs-nothing-else';

/** A private DynamoDB Local and API for one bench run, and the Lambda-model API once it is started. */
export interface BenchStack {
  dynamo: LocalDynamo;
  api: LocalApi;
  /** Starts the same API in the Lambda model, on the same DynamoDB Local; `stop` stops it too. */
  startLambda: (shutdown: AbortSignal) => Promise<LambdaApi>;
  /**
   * Starts what `npm start` runs beside the API (bench/event-pipeline.ts): committed events handed to the webhooks,
   * and due deliveries attempted, every second. Only the webhook phase starts it: it reads the event feed every
   * second, and during the other phases that would load the database they measure. `stop` stops it too.
   */
  startEventPipeline: (shutdown: AbortSignal) => Promise<Service>;
  stop: () => Promise<void>;
}

/** The API in the Lambda model, and the file its functions record every DynamoDB call in (`AWS_CALL_LOG`). */
export interface LambdaApi {
  api: LocalApi;
  callLog: string;
}

/** Picks the DynamoDB Local port before anything starts, so the storage client can be configured first. */
export async function reserveDynamoEndpoint(): Promise<{ port: number; endpoint: string }> {
  const port = await freePort();
  return { port, endpoint: `http://127.0.0.1:${port}` };
}

/**
 * Starts DynamoDB Local in memory on `dynamoPort` and `serverless offline` on a free port, both at once (the API
 * does not touch the database until a request comes), then creates the table. Aborting `shutdown` while they
 * start kills both.
 */
export async function startStack(dynamoPort: number, shutdown: AbortSignal): Promise<BenchStack> {
  const dynamoEndpoint = `http://127.0.0.1:${dynamoPort}`;
  const apiPort = await freePort();
  // The API prints a few lines per request; into a pipe that this busy process drains late, they would stall it.
  const logDir = mkdtempSync(join(tmpdir(), 'bench-api-'));
  // The login phase fails logins on purpose, all from 127.0.0.1: more than the per-address limit of 50 allows, and
  // both APIs (in process, then the Lambda model) count them in the same table.
  const loginLimits = { LOGIN_ADDRESS_FAILURES_MAX: '1000000' };
  const [dynamo, api] = await Promise.allSettled([
    startDynamo(dynamoPort, undefined, shutdown),
    startApi({
      port: apiPort,
      dynamoEndpoint,
      tableName: benchTableName,
      env: { JWT_SECRET: benchJwtSecret, JWT_SECRET_PARAMETER: '', ...loginLimits },
      logFile: join(logDir, 'api.log'),
      shutdown,
    }),
  ]);
  if (dynamo.status === 'rejected' || api.status === 'rejected') {
    if (api.status === 'fulfilled') await api.value.stop();
    if (dynamo.status === 'fulfilled') await dynamo.value.stop();
    rmSync(logDir, { recursive: true, force: true });
    throw dynamo.status === 'rejected' ? dynamo.reason : (api as PromiseRejectedResult).reason;
  }
  await createLocalTable(dynamoEndpoint, benchTableName);
  let lambda: LocalApi | undefined;
  const callLog = join(logDir, 'aws-calls.jsonl');
  const startLambda = async (lambdaShutdown: AbortSignal): Promise<LambdaApi> => {
    lambda = await startLambdaApi({
      port: await freePort(),
      dynamoEndpoint,
      tableName: benchTableName,
      // Only the Lambda model's functions record their calls: the bench's own ledger is counted by its client.
      env: { JWT_SECRET: benchJwtSecret, AWS_CALL_LOG: callLog, ...loginLimits },
      logFile: join(logDir, 'lambda.log'),
      shutdown: lambdaShutdown,
    });
    return { api: lambda, callLog };
  };
  let pipeline: Service | undefined;
  const startEventPipeline = async (pipelineShutdown: AbortSignal): Promise<Service> => {
    pipeline = await startPipeline(dynamoEndpoint, logDir, pipelineShutdown);
    return pipeline;
  };
  const stop = async (): Promise<void> => {
    await pipeline?.stop();
    await lambda?.stop();
    await api.value.stop();
    await dynamo.value.stop();
    rmSync(logDir, { recursive: true, force: true });
  };
  return { dynamo: dynamo.value, api: api.value, startLambda, startEventPipeline, stop };
}

/** A child process needs a few seconds to load TypeScript on two busy cores; more than this is a broken start. */
const pipelineReadyMsMax = 60_000;

/** Starts bench/event-pipeline.ts on the bench's table, its output into `logDir`, and waits until its timers run. */
async function startPipeline(dynamoEndpoint: string, logDir: string, shutdown: AbortSignal): Promise<Service> {
  const logFile = join(logDir, 'event-pipeline.log');
  const readyFile = join(logDir, 'event-pipeline.ready');
  rmSync(readyFile, { force: true });
  const logFd = openSync(logFile, 'a');
  const service = start('the event pipeline', process.execPath, ['--import', 'tsx', resolve(__dirname, 'event-pipeline.ts')], {
    cwd: resolve(__dirname, '..'),
    env: { DYNAMODB_ENDPOINT: dynamoEndpoint, TABLE_NAME: benchTableName, READY_FILE: readyFile },
    stdio: ['ignore', logFd, logFd],
  });
  closeSync(logFd);
  await waitUntilReady(service, `file:${readyFile}`, {
    timeoutMs: pipelineReadyMsMax, shutdown, describeExit: () => readFileSync(logFile, 'utf8').slice(-4000),
  });
  return service;
}
