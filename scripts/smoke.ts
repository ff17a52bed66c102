/**
 * `npm run smoke -- --url URL`: proves a deployment works end to end, as a client would see it. It registers two
 * users, logs them in, opens an account for each, funds the first from a system account (as the admin named by
 * ADMIN_EMAIL, ADMIN_PASSWORD and, for an admin with MFA, ADMIN_TOTP_SECRET), moves part of it to the second with an idempotency key, replays that request, and
 * checks both balances, the transaction and the statement. Any base URL works: `npm start`, LocalStack or AWS.
 *
 * It leaves its two users, their accounts and one reusable "Smoke test funding" system account behind; every run
 * uses fresh emails, so runs never collide.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { totpAt, totpStepAt } from '../lib/identity/totp';
import { apiClient, type Answer, type ApiCall } from './local/api-client';

/** A cold start on Lambda (SSM read, argon2) can take a few seconds; no single call may hang the run. */
const requestTimeoutMs = 20_000;
const currency = 'USD';
const fundAmountMinor = 10_000;
const transferAmountMinor = 2_500;
const fundingAccountName = 'Smoke test funding';

/** A check of the smoke test that did not hold: the step, and what the API answered. */
export class SmokeCheckError extends Error {
  constructor(step: string, message: string, readonly answer?: Answer) {
    super(`${step}: ${message}${answer ? ` (HTTP ${answer.status}: ${answer.text.slice(0, 500)})` : ''}`);
    this.name = 'SmokeCheckError';
  }
}

/** Who logs in: a user with MFA gives its TOTP secret, and each login sends a current code of it. */
export interface Credentials {
  email: string;
  password: string;
  /** The base32 TOTP secret of a user with MFA (the admin's: only an MFA session holds admin power). */
  totpSecret?: string;
}

/** What every step of one run shares: the client, the step runner and the run's unique id. */
interface SmokeRun {
  call: ApiCall;
  step: <T>(name: string, fn: () => Promise<T>) => Promise<T>;
  runId: string;
}

type Pair = { alice: string; bob: string };

/** Fails the step unless `condition` holds. */
function check(condition: boolean, step: string, message: string, answer?: Answer): asserts condition {
  if (!condition) throw new SmokeCheckError(step, message, answer);
}

function expectStatus(answer: Answer, status: number, name: string): void {
  check(answer.status === status, name, `expected HTTP ${status}`, answer);
}

/**
 * Runs the whole smoke test against `baseUrl`, writing one line per passed step to `log`. Throws a
 * `SmokeCheckError` at the first check that fails.
 */
export async function runSmoke(baseUrl: string, admin: Credentials, log: (line: string) => void): Promise<void> {
  const run: SmokeRun = { call: apiClient(baseUrl, requestTimeoutMs), step: stepRunner(log), runId: randomUUID().slice(0, 8) };
  const alice = { email: `smoke-${run.runId}-a@example.com`, password: randomBytes(18).toString('base64url') };
  const bob = { email: `smoke-${run.runId}-b@example.com`, password: randomBytes(18).toString('base64url') };
  const tokens = await signIn(run, alice, bob, admin);
  const accounts = await run.step('open an account for each user', async () => ({
    alice: await openAccount(run.call, tokens.alice, 'smoke alice'),
    bob: await openAccount(run.call, tokens.bob, 'smoke bob'),
  }));
  const txnId = await moveMoney(run, tokens, accounts);
  await checkOutcome(run, tokens, accounts, txnId);
}

/** Runs one named step, logs it with its time, and reports a call that got no answer against that step. */
function stepRunner(log: (line: string) => void): SmokeRun['step'] {
  return async (name, fn) => {
    const startedMs = Date.now();
    let result;
    try {
      result = await fn();
    } catch (error) {
      // A refused connection or a timeout is reported against the step it stopped, like a failed check.
      if (error instanceof SmokeCheckError) throw error;
      throw new SmokeCheckError(name, describeFailure(error));
    }
    log(`ok  ${name} (${Date.now() - startedMs} ms)`);
    return result;
  };
}

/** Registers both users, logs them and the admin in, and reads the first user's profile with its token. */
async function signIn(run: SmokeRun, alice: Credentials, bob: Credentials, admin: Credentials): Promise<Pair & { admin: string }> {
  const register = async (user: Credentials): Promise<string> => {
    const answer = await run.call('POST', '/api/v1/users/register', { json: user });
    expectStatus(answer, 201, `register ${user.email}`);
    check(answer.body?.email === user.email && answer.body?.role === 'user', 'register', 'the answer is not the new user', answer);
    return String(answer.body.id);
  };
  const login = async (user: Credentials, name: string): Promise<string> => {
    const answer = await loginWithCode(run.call, user);
    expectStatus(answer, 200, `log in ${name}`);
    check(typeof answer.body?.accessToken === 'string' && answer.body.tokenType === 'Bearer', `log in ${name}`, 'no bearer token', answer);
    return answer.body.accessToken as string;
  };
  const aliceId = await run.step('register two users', async () => {
    const id = await register(alice);
    await register(bob);
    return id;
  });
  const tokens = await run.step('log in both users and the admin', async () => ({
    alice: await login(alice, 'the first user'),
    bob: await login(bob, 'the second user'),
    admin: await login(admin, `the admin ${admin.email} (ADMIN_EMAIL/ADMIN_PASSWORD/ADMIN_TOTP_SECRET)`),
  }));
  await run.step('read the first user\'s profile with its token', async () => {
    const answer = await run.call('GET', '/api/v1/users/me', { token: tokens.alice });
    expectStatus(answer, 200, 'me');
    check(answer.body?.id === aliceId && answer.body?.email === alice.email, 'me', 'the profile is not the caller\'s', answer);
  });
  return tokens;
}

/**
 * Logs a user in, with the current code of its TOTP secret if it has one. Each code logs in once, so when that code
 * was spent moments ago (a run just before this one), the next step's, which the API accepts too, is tried once.
 */
export async function loginWithCode(call: ApiCall, user: Credentials): Promise<Answer> {
  const { email, password, totpSecret } = user;
  if (!totpSecret) return call('POST', '/api/v1/users/login', { json: { email, password } });
  const step = totpStepAt(Date.now());
  const first = await call('POST', '/api/v1/users/login', { json: { email, password, totp: totpAt(totpSecret, step) } });
  if (first.status !== 401 || first.body?.code !== 'invalid_credentials') return first;
  return call('POST', '/api/v1/users/login', { json: { email, password, totp: totpAt(totpSecret, step + 1) } });
}

async function openAccount(call: ApiCall, token: string, name: string): Promise<string> {
  const answer = await call('POST', '/v1/accounts', { token, json: { currency, name } });
  expectStatus(answer, 201, `open ${name}`);
  check(answer.body?.balance === 0 && answer.body?.currency === currency, `open ${name}`, 'a new account must hold 0', answer);
  return String(answer.body.id);
}

/** Funds the first account from the admin's funding account, moves part of it on, and replays that transfer. */
async function moveMoney(run: SmokeRun, tokens: Pair & { admin: string }, accounts: Pair): Promise<string> {
  const funding = await run.step('find or open the admin\'s funding account', () => fundingAccount(run.call, tokens.admin));
  await run.step(`fund the first account with ${fundAmountMinor} minor units`, async () => {
    const answer = await run.call('POST', '/v1/transfers', {
      token: tokens.admin,
      headers: { 'idempotency-key': `smoke-fund-${run.runId}` },
      json: { fromAccountId: funding, toAccountId: accounts.alice, amount: fundAmountMinor, currency },
    });
    expectStatus(answer, 201, 'fund');
  });
  const body = { fromAccountId: accounts.alice, toAccountId: accounts.bob, amount: transferAmountMinor, currency, description: 'smoke test' };
  const send = () => run.call('POST', '/v1/transfers', { token: tokens.alice, headers: { 'idempotency-key': `smoke-transfer-${run.runId}` }, json: body });
  const txnId = await run.step(`transfer ${transferAmountMinor} from the first user to the second`, async () => {
    const answer = await send();
    expectStatus(answer, 201, 'transfer');
    const entries = answer.body?.entries ?? [];
    check(
      entries.some((e: any) => e.accountId === accounts.alice && e.direction === 'debit' && e.amount === transferAmountMinor)
        && entries.some((e: any) => e.accountId === accounts.bob && e.direction === 'credit' && e.amount === transferAmountMinor),
      'transfer', 'the entries are not one debit and one credit of the amount', answer,
    );
    return String(answer.body.id);
  });
  await run.step('replay the transfer with the same idempotency key', async () => {
    const answer = await send();
    expectStatus(answer, 201, 'replay');
    check(answer.body?.id === txnId && answer.headers.get('idempotent-replayed') === 'true', 'replay', 'not a replay of the first answer', answer);
  });
  return txnId;
}

/** Checks both balances, the transaction and the statement as the receiver sees them, and the accounts' isolation. */
async function checkOutcome(run: SmokeRun, tokens: Pair, accounts: Pair, txnId: string): Promise<void> {
  const { call } = run;
  await run.step('check both balances', async () => {
    for (const [who, token, account, expected] of [
      ['first', tokens.alice, accounts.alice, fundAmountMinor - transferAmountMinor],
      ['second', tokens.bob, accounts.bob, transferAmountMinor],
    ] as const) {
      const answer = await call('GET', `/v1/accounts/${account}/balance`, { token });
      expectStatus(answer, 200, `balance of the ${who} account`);
      check(answer.body?.balance === expected, `balance of the ${who} account`, `expected ${expected}`, answer);
    }
  });
  await run.step('read the transaction as the receiver, and find it on the statement', async () => {
    const answer = await call('GET', `/v1/transactions/${txnId}`, { token: tokens.bob });
    expectStatus(answer, 200, 'transaction');
    check(
      answer.body?.amount === transferAmountMinor && answer.body?.fromAccountId === accounts.alice && answer.body?.toAccountId === accounts.bob,
      'transaction', 'the transaction is not the transfer', answer,
    );
    const statement = await call('GET', `/v1/accounts/${accounts.bob}/transactions`, { token: tokens.bob });
    expectStatus(statement, 200, 'statement');
    check(statement.body?.data?.[0]?.id === txnId, 'statement', 'the transfer is not the newest line', statement);
  });
  await run.step('refuse the second user the first user\'s account', async () => {
    const answer = await call('GET', `/v1/accounts/${accounts.alice}`, { token: tokens.bob });
    check(answer.status === 404 && answer.body?.code === 'account_not_found', 'isolation', 'expected 404 account_not_found', answer);
  });
}

/** What went wrong with a call that got no answer: the network error's code, or the timeout. */
function describeFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (error.name === 'TimeoutError') return `no answer within ${requestTimeoutMs} ms`;
  const code = (error.cause as { code?: string } | undefined)?.code;
  return code ? `${error.message} (${code})` : error.message;
}

/** The admin's reusable system account in `currency` to fund from, opened on the first run. */
async function fundingAccount(call: ApiCall, adminToken: string): Promise<string> {
  const listed = await call('GET', '/v1/accounts?limit=100', { token: adminToken });
  check(listed.status === 200, 'funding account', 'expected HTTP 200 listing the admin\'s accounts', listed);
  const existing = (listed.body?.data ?? []).find(
    (a: any) => a.type === 'system' && a.currency === currency && a.name === fundingAccountName,
  );
  if (existing) return String(existing.id);
  const opened = await call('POST', '/v1/accounts', { token: adminToken, json: { currency, type: 'system', name: fundingAccountName } });
  check(opened.status === 201, 'funding account', 'the admin could not open a system account', opened);
  return String(opened.body.id);
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { url: { type: 'string' } } });
  const admin = {
    email: process.env.ADMIN_EMAIL ?? '', password: process.env.ADMIN_PASSWORD ?? '', totpSecret: process.env.ADMIN_TOTP_SECRET || undefined,
  };
  if (!values.url || !/^https?:\/\/[^/]+/.test(values.url) || !admin.email || !admin.password) {
    console.error('usage: ADMIN_EMAIL=… ADMIN_PASSWORD=… ADMIN_TOTP_SECRET=… npm run smoke -- --url https://api.example.com');
    return 2;
  }
  const startedMs = Date.now();
  console.log(`Smoke test against ${values.url}`);
  try {
    await runSmoke(values.url, admin, (line) => console.log(line));
  } catch (error) {
    console.error(`FAILED ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  console.log(`Smoke test passed in ${Date.now() - startedMs} ms.`);
  return 0;
}

if (require.main === module) {
  void main().then((code) => process.exit(code));
}
