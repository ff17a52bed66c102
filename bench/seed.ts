/**
 * Seeds the benchmark's data: one user with a real token from the API, and funded accounts. Imports the ledger, so
 * it must be loaded after DYNAMODB_ENDPOINT and TABLE_NAME are set (the configuration is read at import).
 */
import { randomUUID } from 'node:crypto';
import type { Caller } from '../lib/identity/model';
import { createAccount } from '../lib/ledger/accounts';
import { transfer } from '../lib/ledger/transfers';
import type { CurrencyCode } from '../lib/ledger/currencies';
import { shardsMax } from '../lib/ledger/model';
import { postJson } from './http';

/** Every benchmark transfer moves this currency. */
export const benchCurrency: CurrencyCode = 'EUR';

/** Each payer starts with this much: far more than any run can spend one minor unit at a time. */
const fundingMinor = 1_000_000_000;
const password = 'bench-password-0123456789';
const setupTimeoutMs = 30_000;
/** Pairs seeded at once: enough to overlap round trips, few enough not to swamp DynamoDB Local's connections. */
const seedConcurrency = 16;

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
  const registered = await post(`${apiUrl}/api/v1/users/register`, { email, password }, 201);
  const login = await post(`${apiUrl}/api/v1/users/login`, { email, password }, 200);
  return {
    email,
    password,
    token: String(login.accessToken),
    caller: { userId: String(registered.id), role: 'user', mfa: false },
  };
}

/**
 * Opens `count` payer/payee pairs for `owner` and funds every payer from a system account of its own: one shared
 * source would serialize the funding transfers on its sequence number, and contention is not what seeding is for.
 */
export async function seedPairs(owner: Caller, count: number): Promise<AccountPair[]> {
  const admin: Caller = { userId: `bench-admin-${randomUUID()}`, role: 'admin', mfa: true };
  return mapWithLimit(count, seedConcurrency, async () => {
    const [fromId, toId, mintId] = await Promise.all([
      createAccount(owner, { currency: benchCurrency }).then((account) => account.id),
      createAccount(owner, { currency: benchCurrency }).then((account) => account.id),
      createAccount(admin, { currency: benchCurrency, type: 'system', name: 'bench mint' }).then((account) => account.id),
    ]);
    await transfer(admin, { fromAccountId: mintId, toAccountId: fromId, amount: fundingMinor, currency: benchCurrency });
    return { fromId, toId };
  });
}

/**
 * Opens the merchant every payer pays in the hot-account phases, for `owner`: unfunded, and a hot account of as many
 * shards as an account may have, as an admin opens one for a large merchant.
 */
export async function openMerchant(owner: Caller): Promise<string> {
  const admin: Caller = { userId: `bench-admin-${randomUUID()}`, role: 'admin', mfa: true };
  return (await createAccount(admin, { currency: benchCurrency, name: 'bench merchant', ownerId: owner.userId, shards: shardsMax })).id;
}

/** Runs `fn` for 0 … count − 1 with at most `limit` at once; the results keep their order. */
async function mapWithLimit<T>(count: number, limit: number, fn: (index: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let index = next++; index < count; index = next++) results[index] = await fn(index);
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, lane));
  return results;
}

async function post(url: string, body: unknown, expectedStatus: number): Promise<Record<string, unknown>> {
  const answer = await postJson(url, body, {}, setupTimeoutMs);
  if (answer.status !== expectedStatus) throw new Error(`${url} answered ${answer.status}: ${answer.body.slice(0, 300)}`);
  return JSON.parse(answer.body) as Record<string, unknown>;
}
