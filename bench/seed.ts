/**
 * Seeds the benchmark's data: one user with a real token from the API, and funded accounts. Imports the ledger, so
 * it must be loaded after DYNAMODB_ENDPOINT and TABLE_NAME are set (the configuration is read at import).
 */
import { randomUUID } from 'node:crypto';
import type { Caller } from '../lib/identity/tokens';
import { createAccount } from '../lib/ledger/accounts';
import { transfer } from '../lib/ledger/transfers';
import type { CurrencyCode } from '../lib/ledger/currencies';

/** Every benchmark transfer moves this currency. */
export const benchCurrency: CurrencyCode = 'EUR';

/** Each payer starts with this much: far more than any run can spend one minor unit at a time. */
const fundingMinor = 1_000_000_000;
const password = 'bench-password-0123456789';
const setupTimeoutMs = 30_000;

/** A payer and a payee that only one worker uses, so spread-out transfers never contend. */
export interface AccountPair {
  fromId: string;
  toId: string;
}

/** The user the benchmark acts as, seen from both sides: a bearer token for HTTP and a caller for the ledger. */
export interface BenchUser {
  email: string;
  password: string;
  token: string;
  caller: Caller;
}

/** Registers a user through the API and logs in: the token is the one a real client would hold. */
export async function registerAndLogin(apiUrl: string): Promise<BenchUser> {
  const email = `bench-${randomUUID()}@example.com`;
  const registered = await postJson(`${apiUrl}/api/v1/users/register`, { email, password }, 201);
  const login = await postJson(`${apiUrl}/api/v1/users/login`, { email, password }, 200);
  return {
    email,
    password,
    token: String(login.accessToken),
    caller: { userId: String(registered.id), role: 'user' },
  };
}

/**
 * Opens `count` payer/payee pairs for `owner` and funds every payer from a system account. The funding runs one
 * transfer at a time: every one of them debits the same system account, and contention is not what seeding is for.
 */
export async function seedPairs(owner: Caller, count: number): Promise<AccountPair[]> {
  const pairs = await Promise.all(Array.from({ length: count }, async () => ({
    fromId: (await createAccount(owner, { currency: benchCurrency })).id,
    toId: (await createAccount(owner, { currency: benchCurrency })).id,
  })));
  const admin: Caller = { userId: `bench-admin-${randomUUID()}`, role: 'admin' };
  const mint = await createAccount(admin, { currency: benchCurrency, type: 'system', name: 'bench mint' });
  for (const pair of pairs) {
    await transfer(admin, { fromAccountId: mint.id, toAccountId: pair.fromId, amount: fundingMinor, currency: benchCurrency });
  }
  return pairs;
}

/** Opens one unfunded account for `owner`: the merchant every payer pays in the hot-account phase. */
export async function openAccount(owner: Caller): Promise<string> {
  return (await createAccount(owner, { currency: benchCurrency, name: 'bench merchant' })).id;
}

async function postJson(url: string, body: unknown, expectedStatus: number): Promise<Record<string, unknown>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(setupTimeoutMs),
  });
  const text = await response.text();
  if (response.status !== expectedStatus) throw new Error(`${url} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as Record<string, unknown>;
}
