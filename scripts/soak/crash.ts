/**
 * Crash and restart (Jepsen's bank test, by hand): transfers with idempotency keys run against `npm start` with a
 * persisted DynamoDB Local; mid-load one process is killed with SIGKILL (DynamoDB Local, or the API); the platform is
 * started again on the same data, and every request that was not acknowledged is retried with its key. Then every
 * acknowledged transfer must be stored exactly once, no request twice, and `npm run reconcile` must pass.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { issueToken } from '../../lib/identity/tokens';
import { freePort, waitFor } from '../local/ports';

const root = resolve(__dirname, '../..');
const concurrency = 8;
const tableName = 'payments-crash';

export interface CrashReport {
  victim: 'dynamodb' | 'api';
  requests: number;
  acknowledged: number;
  retried: number;
  stored: number;
  violations: string[];
  fiveHundreds: number;
}

interface Pending {
  caller: string;
  key: string;
  body: { fromAccountId: string; toAccountId: string; amount: number; currency: 'USD'; description: string };
  firstId?: string;
  retryId?: string;
  status?: number;
}

/** Every descendant of `pid`, from /proc (Linux). */
function descendants(pid: number): Array<{ pid: number; cmd: string }> {
  const all = readdirSync('/proc').filter((name) => /^\d+$/.test(name)).flatMap((name) => {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return [{ pid: Number(name), ppid, cmd: readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ') }];
    } catch {
      return [];
    }
  });
  const found: Array<{ pid: number; cmd: string }> = [];
  const walk = (parent: number) => {
    for (const proc of all.filter((p) => p.ppid === parent)) {
      found.push(proc);
      walk(proc.pid);
    }
  };
  walk(pid);
  return found;
}

/** Starts `npm start` (scripts/start.ts) on fixed ports and waits until the API answers. */
async function startPlatform(ports: { api: number; dynamo: number }, log: string[]): Promise<ChildProcess> {
  const child = spawn(process.execPath, [resolve(root, 'node_modules/tsx/dist/cli.mjs'), resolve(root, 'scripts/start.ts')], {
    cwd: root,
    env: { ...process.env, PORT: String(ports.api), DYNAMODB_PORT: String(ports.dynamo), TABLE_NAME: tableName, DYNAMODB_ENDPOINT: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => log.push(chunk.toString()));
  await waitFor('npm start', async () => {
    if (child.exitCode !== null) throw new Error(`npm start exited: ${log.join('').slice(-1000)}`);
    const response = await fetch(`http://127.0.0.1:${ports.api}/openapi.json`, { signal: AbortSignal.timeout(5000) });
    if (response.status !== 200) throw new Error(`answered ${response.status}`);
  }, 180_000);
  return child;
}

/** Stops the platform: SIGTERM, then SIGKILL for anything of ours still running after a grace period. */
async function stopPlatform(child: ChildProcess): Promise<void> {
  const tree = descendants(child.pid!);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline && tree.some((p) => alive(p.pid))) await sleep(200);
  for (const proc of tree) if (alive(proc.pid)) process.kill(proc.pid, 'SIGKILL');
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Runs one crash scenario: `requests` keyed transfers, `victim` killed once a third of them were answered. */
export async function crashRun(victim: 'dynamodb' | 'api', requests: number): Promise<CrashReport> {
  const ports = { api: await freePort(), dynamo: await freePort() };
  rmSync(resolve(root, '.data', `dynamodb-${ports.dynamo}`), { recursive: true, force: true });
  const log: string[] = [];
  const api = `http://127.0.0.1:${ports.api}`;
  let platform = await startPlatform(ports, log);
  const tokens = new Map<string, string>();
  const token = async (userId: string, role: 'user' | 'admin' = 'user') => {
    if (!tokens.has(userId)) tokens.set(userId, (await issueToken(userId, role)).accessToken);
    return tokens.get(userId)!;
  };
  const post = async (caller: string, path: string, body: unknown, key?: string) => {
    const response = await fetch(`${api}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await token(caller)}`, 'content-type': 'application/json', ...(key ? { 'idempotency-key': key } : {}) },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    return { status: response.status, json: (await response.json()) as Record<string, unknown> };
  };
  await token('crash-admin', 'admin');
  const bank = (await post('crash-admin', '/v1/accounts', { currency: 'USD', type: 'system' })).json.id as string;
  const owners = ['crash-u0', 'crash-u1', 'crash-u2'];
  const accounts: Array<{ id: string; owner: string }> = [];
  for (const owner of owners) {
    for (let i = 0; i < 2; i += 1) {
      const id = (await post(owner, '/v1/accounts', { currency: 'USD' })).json.id as string;
      accounts.push({ id, owner });
      await post('crash-admin', '/v1/transfers', { fromAccountId: bank, toAccountId: id, amount: 100_000, currency: 'USD' });
    }
  }
  const pending: Pending[] = Array.from({ length: requests }, (_, n) => {
    const from = accounts[Math.floor(Math.random() * accounts.length)]!;
    const others = accounts.filter((a) => a.id !== from.id);
    const to = others[Math.floor(Math.random() * others.length)]!;
    const body = { fromAccountId: from.id, toAccountId: to.id, amount: 1 + Math.floor(Math.random() * 500), currency: 'USD' as const, description: `crash/${victim}/${n}` };
    return { caller: from.owner, key: `crash-${victim}-${n}`, body };
  });

  // Load, and the kill once a third of the requests were answered. After the kill, requests fail fast (refused).
  let answered = 0;
  let killed = false;
  const kill = () => {
    killed = true;
    const tree = descendants(platform.pid!);
    const target = tree.find((p) => (victim === 'dynamodb' ? p.cmd.includes('DynamoDBLocal.jar') : p.cmd.includes('serverless.js')));
    if (!target) throw new Error(`no ${victim} process under npm start`);
    process.kill(target.pid, 'SIGKILL');
  };
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < pending.length) {
      const request = pending[next++]!;
      try {
        const answer = await post(request.caller, '/v1/transfers', request.body, request.key);
        request.status = answer.status;
        if (answer.status === 201) request.firstId = String(answer.json.id);
      } catch {
        request.status = 0;
      }
      answered += 1;
      if (!killed && answered >= requests / 3) kill();
    }
  }));
  await stopPlatform(platform);

  // Restart on the same data and retry every request that got no answer, or a 5xx, with its key.
  platform = await startPlatform(ports, log);
  const unanswered = pending.filter((r) => r.status === 0 || (r.status ?? 0) >= 500);
  let fiveHundreds = 0;
  for (const request of unanswered) {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const answer = await post(request.caller, '/v1/transfers', request.body, request.key);
      request.status = answer.status;
      if (answer.status === 201) request.retryId = String(answer.json.id);
      if (answer.status < 500) break;
      fiveHundreds += 1;
      await sleep(200);
    }
  }

  // Every stored transfer, by its debit entry: each account's statement, page by page, read by its owner.
  const stored = new Map<string, string[]>();
  for (const account of accounts) {
    let cursor: string | null = null;
    do {
      const query: string = `limit=100${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await fetch(`${api}/v1/accounts/${account.id}/transactions?${query}`, {
        headers: { authorization: `Bearer ${await token(account.owner)}` },
      }).then((r) => r.json()) as { data: Array<{ id: string; description: string | null; fromAccountId: string }>; nextCursor: string | null };
      for (const txn of page.data) {
        if (txn.fromAccountId !== account.id || !txn.description) continue;
        stored.set(txn.description, [...(stored.get(txn.description) ?? []), txn.id]);
      }
      cursor = page.nextCursor;
    } while (cursor);
  }
  const violations: string[] = [];
  for (const request of pending) {
    const ids = stored.get(request.body.description) ?? [];
    if (ids.length > 1) violations.push(`${request.body.description}: stored ${ids.length} times`);
    if (request.firstId && ids[0] !== request.firstId) violations.push(`${request.body.description}: acknowledged ${request.firstId}, stored ${ids.join(',') || 'nothing'}`);
    if (request.retryId && request.firstId && request.retryId !== request.firstId) violations.push(`${request.body.description}: retry answered another id`);
    if (request.retryId && ids[0] !== request.retryId) violations.push(`${request.body.description}: retry answered ${request.retryId}, stored ${ids.join(',') || 'nothing'}`);
    if (!request.firstId && !request.retryId && ids.length > 0) violations.push(`${request.body.description}: refused, yet stored`);
  }
  const reconcile = spawnSync(process.execPath, [
    resolve(root, 'node_modules/tsx/dist/cli.mjs'), resolve(root, 'scripts/reconcile.ts'),
    '--endpoint', `http://127.0.0.1:${ports.dynamo}`, '--table', tableName,
  ], { encoding: 'utf8', timeout: 120_000 });
  if (reconcile.status !== 0) violations.push(`reconcile failed (${reconcile.status}): ${reconcile.stdout}${reconcile.stderr}`);
  await stopPlatform(platform);
  rmSync(resolve(root, '.data', `dynamodb-${ports.dynamo}`), { recursive: true, force: true });
  return {
    victim,
    requests,
    acknowledged: pending.filter((r) => r.firstId).length,
    retried: unanswered.length,
    stored: [...stored.values()].reduce((sum, ids) => sum + ids.length, 0),
    violations,
    fiveHundreds,
  };
}
