import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort, waitFor } from './ports';

const readyTimeoutMs = 90_000;

/** A running `serverless offline`. */
export interface LocalApi {
  url: string;
  process: ChildProcess;
  stop: () => Promise<void>;
}

/**
 * Serves the HTTP API with `serverless offline` on `port`, against the DynamoDB Local at `dynamoEndpoint`. The
 * Lambda invoke port is a free one, so two platforms can run side by side. `quiet` keeps offline's own output back
 * (the request log lines still reach `onLog`).
 */
export async function startApi(options: {
  port: number;
  dynamoEndpoint: string;
  tableName: string;
  env?: Record<string, string>;
  onOutput?: (chunk: string) => void;
}): Promise<LocalApi> {
  const lambdaPort = await freePort();
  const root = resolve(__dirname, '../..');
  const child = spawn(process.execPath, [
    resolve(root, 'node_modules/serverless/bin/serverless.js'),
    'offline', 'start',
    '--stage', 'local',
    '--host', '127.0.0.1',
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
    stdio: ['ignore', 'pipe', 'pipe'],
  });
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
  try {
    await waitFor('serverless offline', async () => {
      if (child.exitCode !== null) throw new Error(`it exited: ${output.trim()}`);
      await fetch(`${url}/health-probe`);
    }, readyTimeoutMs);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await Promise.race([exited, new Promise((done) => setTimeout(done, 5000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  return { url, process: child, stop };
}
