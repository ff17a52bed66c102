/**
 * Crash and restart (Jepsen's bank test, by hand): transfers with idempotency keys run against `npm start` with a
 * persisted DynamoDB Local; mid-load one process is killed with SIGKILL (DynamoDB Local, or the API); the platform is
 * started again on the same data, and every request that was not acknowledged is retried with its key. Then every
 * acknowledged transfer must be stored exactly once, no request twice, and `npm run reconcile` must pass. An admin's
 * webhook endpoint for `transaction.posted`, at a loopback receiver here, must then get every stored transfer's event
 * through npm start's pipeline (the publisher on the stream, and the deliveries), and none of a transfer not stored;
 * each transaction's deliveries carry one event id, and every signature verifies.
 */
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import execa from 'execa';
import { apiClient, type ApiCall } from '../local/api-client';
import { parentOf } from '../local/lifeline';
import { freePort } from '../local/ports';
import { start, waitUntilReady, type Service } from '../local/supervise';
import { startReceiver, type WebhookReceiver } from '../local/webhook-receiver';
import { newTotpSecret } from '../../lib/identity/totp';
import { loginWithCode } from '../smoke';

const root = resolve(__dirname, '../..');
const concurrency = 8;
// The local stage, as npm start's own: its webhooks may go to a loopback receiver.
const tableName = 'payments-local';
const requestTimeoutMs = 15_000;
const startTimeoutMs = 180_000;
/** How long `npm start` may take to stop its DynamoDB Local and API before anything left is killed. */
const stopGraceMs = 15_000;
const retriesMax = 5;
/**
 * How long the deliveries may take once the retries are done: a delivery that the stopped pipeline had claimed is due
 * again when its lease (a minute) passes.
 */
const deliveriesWaitMsMax = 90_000;

/** What one crash run found: how many transfers were answered, retried and stored, and every invariant broken. */
export interface CrashReport {
  victim: 'dynamodb' | 'api';
  requests: number;
  acknowledged: number;
  retried: number;
  stored: number;
  violations: string[];
  fiveHundreds: number;
  /** Transfers whose `transaction.posted` reached the receiver, and deliveries of an event that had arrived before. */
  webhooks: { delivered: number; repeats: number };
}

interface Pending {
  caller: string;
  key: string;
  body: { fromAccountId: string; toAccountId: string; amount: number; currency: 'USD'; description: string };
  firstId?: string;
  retryId?: string;
  status?: number;
}

/** The platform under test as this run sees it: its ports, a client that signs in as any user, and its output. */
interface Platform {
  ports: { api: number; dynamo: number };
  post: (caller: string, path: string, body: unknown, key?: string) => Promise<{ status: number; json: Record<string, unknown> }>;
  get: (caller: string, path: string) => Promise<Record<string, unknown>>;
  log: string[];
}

/** Every descendant of `pid`, from /proc (Linux). */
function descendants(pid: number): Array<{ pid: number; cmd: string }> {
  const all = readdirSync('/proc').filter((name) => /^\d+$/.test(name)).flatMap((name) => {
    const ppid = parentOf(Number(name));
    try {
      return ppid === undefined ? [] : [{ pid: Number(name), ppid, cmd: readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ') }];
    } catch {
      // The process ended between the two reads.
      return [];
    }
  });
  const found: Array<{ pid: number; cmd: string }> = [];
  const walk = (parent: number): void => {
    for (const proc of all.filter((p) => p.ppid === parent)) {
      found.push(proc);
      walk(proc.pid);
    }
  };
  walk(pid);
  return found;
}

/** Starts `npm start` (scripts/start.ts) on fixed ports and waits until the API serves its OpenAPI document. */
async function startPlatform(platform: Platform): Promise<Service> {
  const service = start('npm start', process.execPath, ['--import', 'tsx', resolve(root, 'scripts/start.ts')], {
    cwd: root,
    env: {
      PORT: String(platform.ports.api), DYNAMODB_PORT: String(platform.ports.dynamo), TABLE_NAME: tableName, DYNAMODB_ENDPOINT: '',
      ADMIN_EMAIL: admin.email, ADMIN_PASSWORD: password, ADMIN_TOTP_SECRET: admin.totpSecret,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    onOutput: (chunk) => platform.log.push(chunk),
  });
  await waitUntilReady(service, `http-get://127.0.0.1:${platform.ports.api}/openapi.json`, {
    timeoutMs: startTimeoutMs,
    statusOk: (status) => status === 200,
  });
  return service;
}

/** Stops the platform: SIGTERM, then SIGKILL for anything of ours still running after a grace period. */
async function stopPlatform(service: Service): Promise<void> {
  const tree = service.process.pid === undefined ? [] : descendants(service.process.pid);
  await service.stop(stopGraceMs);
  for (const proc of tree) if (alive(proc.pid)) process.kill(proc.pid, 'SIGKILL');
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

/**
 * The admin `npm start` makes from ADMIN_EMAIL, ADMIN_PASSWORD and ADMIN_TOTP_SECRET (a fresh secret each run: only
 * an MFA session holds admin power), and the password of every caller.
 */
const admin = { name: 'crash-admin', email: 'crash-admin@example.com', totpSecret: newTotpSecret() };
const password = 'crash-soak-password-0123';

/**
 * A platform on two free ports, with a client that holds a token for each caller, as a client would: the admin logs
 * in, every other caller registers first (the API reads each caller's standing from the table, so a token alone is
 * not enough).
 */
async function platformOnFreePorts(): Promise<Platform> {
  const ports = { api: await freePort(), dynamo: await freePort() };
  const call: ApiCall = apiClient(`http://127.0.0.1:${ports.api}`, requestTimeoutMs);
  const tokens = new Map<string, string>();
  const token = async (caller: string): Promise<string> => {
    if (tokens.has(caller)) return tokens.get(caller)!;
    const email = caller === admin.name ? admin.email : `${caller}@example.com`;
    if (caller !== admin.name) await call('POST', '/api/v1/users/register', { json: { email, password } });
    const login = await loginWithCode(call, { email, password, ...(caller === admin.name ? { totpSecret: admin.totpSecret } : {}) });
    if (login.status !== 200) throw new Error(`${caller} could not log in: ${login.status} ${login.text.slice(0, 200)}`);
    tokens.set(caller, String(login.body.accessToken));
    return tokens.get(caller)!;
  };
  return {
    ports,
    log: [],
    async post(caller, path, body, key) {
      const headers: Record<string, string> = key ? { 'idempotency-key': key } : {};
      const answer = await call('POST', path, { token: await token(caller), json: body, headers });
      if (answer.body === undefined) throw new Error(`${path} answered ${answer.status} with no JSON`);
      return { status: answer.status, json: answer.body as Record<string, unknown> };
    },
    async get(caller, path) {
      const answer = await call('GET', path, { token: await token(caller) });
      if (answer.body === undefined) throw new Error(`${path} answered ${answer.status} with no JSON`);
      return answer.body as Record<string, unknown>;
    },
  };
}

/** A funded world of three owners with two accounts each, and one keyed transfer per request between them. */
async function seedWorld(platform: Platform, victim: CrashReport['victim'], requests: number) {
  // The bank every account is funded from is a hot account, so a crash also lands mid-write on its shards.
  const bank = (await platform.post(admin.name, '/v1/accounts', { currency: 'USD', type: 'system', shards: 4 })).json.id as string;
  const accounts: Array<{ id: string; owner: string }> = [];
  const fundingIds: string[] = [];
  for (const owner of ['crash-u0', 'crash-u1', 'crash-u2']) {
    for (let i = 0; i < 2; i += 1) {
      const id = (await platform.post(owner, '/v1/accounts', { currency: 'USD' })).json.id as string;
      accounts.push({ id, owner });
      const funding = await platform.post(admin.name, '/v1/transfers', { fromAccountId: bank, toAccountId: id, amount: 100_000, currency: 'USD' }, `crash-fund-${id}`);
      fundingIds.push(String(funding.json.id));
    }
  }
  const pending: Pending[] = Array.from({ length: requests }, (_, n) => {
    const from = accounts[Math.floor(Math.random() * accounts.length)]!;
    const others = accounts.filter((a) => a.id !== from.id);
    const to = others[Math.floor(Math.random() * others.length)]!;
    const body = { fromAccountId: from.id, toAccountId: to.id, amount: 1 + Math.floor(Math.random() * 500), currency: 'USD' as const, description: `crash/${victim}/${n}` };
    return { caller: from.owner, key: `crash-${victim}-${n}`, body };
  });
  return { accounts, fundingIds, pending };
}

/** Registers the admin's endpoint for every `transaction.posted` at `url`; answers its signing secret. */
async function registerEndpoint(platform: Platform, url: string): Promise<string> {
  const created = await platform.post(admin.name, '/v1/webhook-endpoints', { url, events: ['transaction.posted'], description: 'soak: crash run' });
  if (created.status !== 201) throw new Error(`the webhook endpoint was not registered: ${created.status} ${JSON.stringify(created.json)}`);
  return String(created.json.secret);
}

/**
 * Waits until every transaction in `expected` has had its `transaction.posted` delivered, or `deliveriesWaitMsMax`
 * passed; answers what broke: a transaction stored and never delivered, one delivered that is not stored, one whose
 * deliveries carried more than one event id, a signature that fails.
 */
async function webhookViolations(receiver: WebhookReceiver, secret: string, expected: ReadonlySet<string>): Promise<string[]> {
  for (const startedMs = Date.now(); Date.now() - startedMs < deliveriesWaitMsMax; await sleep(250)) {
    if ([...expected].every((id) => receiver.firstArrivalMs.has(id))) break;
  }
  const violations: string[] = [];
  for (const id of expected) if (!receiver.firstArrivalMs.has(id)) violations.push(`${id}: stored, its transaction.posted never delivered`);
  for (const [id, eventIds] of receiver.eventIdsOf) {
    if (!expected.has(id)) violations.push(`${id}: transaction.posted delivered, the transaction not stored`);
    if (eventIds.size > 1) violations.push(`${id}: delivered under ${eventIds.size} event ids`);
  }
  const { invalid } = receiver.verify(secret);
  if (invalid > 0) violations.push(`${invalid} deliveries failed Standard Webhooks verification`);
  if (receiver.unreadable() > 0) violations.push(`${receiver.unreadable()} deliveries were not a readable event`);
  return violations;
}

/** SIGKILLs the victim's process under `npm start`. */
function killVictim(service: Service, victim: CrashReport['victim']): void {
  const tree = service.process.pid === undefined ? [] : descendants(service.process.pid);
  const target = tree.find((p) => (victim === 'dynamodb' ? p.cmd.includes('DynamoDBLocal.jar') : p.cmd.includes('serverless.js')));
  if (!target) throw new Error(`no ${victim} process under npm start`);
  process.kill(target.pid, 'SIGKILL');
}

/** Sends every request, `concurrency` at once, and calls `kill` once a third of them were answered. */
async function loadAndKill(platform: Platform, pending: Pending[], kill: () => void): Promise<void> {
  // After the kill, requests fail fast (refused).
  let answered = 0;
  let killed = false;
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (next < pending.length) {
      const request = pending[next++]!;
      try {
        const answer = await platform.post(request.caller, '/v1/transfers', request.body, request.key);
        request.status = answer.status;
        if (answer.status === 201) request.firstId = String(answer.json.id);
      } catch {
        request.status = 0;
      }
      answered += 1;
      if (!killed && answered >= pending.length / 3) {
        killed = true;
        kill();
      }
    }
  }));
}

/** Retries, with its key, every request that got no answer or a 5xx; returns them and the 5xx answers seen. */
async function retryUnanswered(platform: Platform, pending: Pending[]): Promise<{ unanswered: Pending[]; fiveHundreds: number }> {
  const unanswered = pending.filter((r) => r.status === 0 || (r.status ?? 0) >= 500);
  let fiveHundreds = 0;
  for (const request of unanswered) {
    for (let attempt = 0; attempt < retriesMax; attempt += 1) {
      const answer = await platform.post(request.caller, '/v1/transfers', request.body, request.key);
      request.status = answer.status;
      if (answer.status === 201) request.retryId = String(answer.json.id);
      if (answer.status < 500) break;
      fiveHundreds += 1;
      await sleep(200);
    }
  }
  return { unanswered, fiveHundreds };
}

/** Every stored transfer, by its debit entry: each account's statement, page by page, read by its owner. */
async function storedByDescription(platform: Platform, accounts: Array<{ id: string; owner: string }>): Promise<Map<string, string[]>> {
  const stored = new Map<string, string[]>();
  for (const account of accounts) {
    let cursor: string | null = null;
    do {
      const query: string = `limit=100${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await platform.get(account.owner, `/v1/accounts/${account.id}/transactions?${query}`) as {
        data: Array<{ id: string; description: string | null; fromAccountId: string }>; nextCursor: string | null;
      };
      for (const txn of page.data) {
        if (txn.fromAccountId !== account.id || !txn.description) continue;
        stored.set(txn.description, [...(stored.get(txn.description) ?? []), txn.id]);
      }
      cursor = page.nextCursor;
    } while (cursor);
  }
  return stored;
}

/** What broke the bank test: a request stored twice, or stored otherwise than it was answered. */
function violationsOf(pending: Pending[], stored: Map<string, string[]>): string[] {
  const violations: string[] = [];
  for (const request of pending) {
    const name = request.body.description;
    const ids = stored.get(name) ?? [];
    if (ids.length > 1) violations.push(`${name}: stored ${ids.length} times`);
    if (request.firstId && ids[0] !== request.firstId) violations.push(`${name}: acknowledged ${request.firstId}, stored ${ids.join(',') || 'nothing'}`);
    if (request.retryId && request.firstId && request.retryId !== request.firstId) violations.push(`${name}: retry answered another id`);
    if (request.retryId && ids[0] !== request.retryId) violations.push(`${name}: retry answered ${request.retryId}, stored ${ids.join(',') || 'nothing'}`);
    if (!request.firstId && !request.retryId && ids.length > 0) violations.push(`${name}: refused, yet stored`);
  }
  return violations;
}

/** Runs `npm run reconcile` against the platform's table; answers its complaint, or nothing when it passed. */
async function reconcileViolation(platform: Platform): Promise<string | undefined> {
  const reconcile = await execa(process.execPath, [
    '--import', 'tsx', resolve(root, 'scripts/reconcile.ts'),
    '--endpoint', `http://127.0.0.1:${platform.ports.dynamo}`, '--table', tableName,
  ], { cwd: root, reject: false, timeout: 120_000 });
  return reconcile.exitCode === 0 ? undefined : `reconcile failed (${reconcile.exitCode}): ${reconcile.stdout}${reconcile.stderr}`;
}

/** Runs one crash scenario: `requests` keyed transfers, `victim` killed once a third of them were answered. */
export async function crashRun(victim: CrashReport['victim'], requests: number): Promise<CrashReport> {
  const platform = await platformOnFreePorts();
  const dataDir = resolve(root, '.data', `dynamodb-${platform.ports.dynamo}`);
  rmSync(dataDir, { recursive: true, force: true });
  let service = await startPlatform(platform);
  const receiver = await startReceiver();
  const secret = await registerEndpoint(platform, receiver.url);
  const { accounts, fundingIds, pending } = await seedWorld(platform, victim, requests);
  const running = service;
  await loadAndKill(platform, pending, () => killVictim(running, victim));
  await stopPlatform(service);
  // Restart on the same data and retry every request that got no answer, or a 5xx, with its key.
  service = await startPlatform(platform);
  const { unanswered, fiveHundreds } = await retryUnanswered(platform, pending);
  const stored = await storedByDescription(platform, accounts);
  const violations = violationsOf(pending, stored);
  const reconcileFailure = await reconcileViolation(platform);
  if (reconcileFailure) violations.push(reconcileFailure);
  const storedIds = new Set([...fundingIds, ...[...stored.values()].flat()]);
  violations.push(...await webhookViolations(receiver, secret, storedIds));
  await receiver.close();
  await stopPlatform(service);
  rmSync(dataDir, { recursive: true, force: true });
  return {
    victim,
    requests,
    acknowledged: pending.filter((r) => r.firstId).length,
    retried: unanswered.length,
    stored: [...stored.values()].reduce((sum, ids) => sum + ids.length, 0),
    violations,
    fiveHundreds,
    webhooks: { delivered: receiver.firstArrivalMs.size, repeats: receiver.repeats() },
  };
}
