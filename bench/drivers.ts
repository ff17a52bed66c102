/**
 * The same transfer, three ways: raw (its `TransactWriteItems`, straight to the SDK), lib (the ledger's `transfer`,
 * no HTTP) and api (`POST /v1/transfers`). Imports the ledger, so it must be loaded after DYNAMODB_ENDPOINT and
 * TABLE_NAME are set.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { config } from '../lib/config';
import { limits } from '../lib/limits';
import type { Caller } from '../lib/identity/model';
import { transfer } from '../lib/ledger/transfers';
import { createDocumentClient } from '../lib/storage/client';
import { keys } from '../lib/storage/keys';
import type { AccountRecord, IdempotencyRecord, TransactionRecord } from '../lib/ledger/model';
import { hashRequest, postedRecord } from '../lib/ledger/idempotency';
import { ledgerWrite, planTransfer, transferMovement } from '../lib/ledger/rules';
import { accountFromItem } from '../lib/storage/accounts';
import { transactItems } from '../lib/storage/ledger-write';
import { postJson } from './http';
import type { Operation } from './load';
import { benchCurrency, type AccountPair } from './seed';

const amountMinor = 1;
/**
 * Longer than any function may run (the Lambda model answers 502 for one past its timeout), so every failure counted
 * is the API's own answer, not the client giving up first.
 */
export const requestTimeoutMs = limits.functionTimeoutMs + 5_000;

/** The raw driver: the operation, and a refresh that re-reads every account before a phase. */
export interface RawDriver {
  op: Operation;
  /** Re-reads each pair's accounts: the other modes move money on the same pairs between raw phases. */
  refresh: () => Promise<void>;
}

/**
 * The raw ceiling: for each worker's own pair, the very items `postTransfers` sends for one transfer (both guarded
 * balance updates, the transaction, two entries and the idempotency record, with a client request token), built with
 * `transactItems` from the accounts as this process last wrote them. Nothing is read during the phase: tracking each
 * account's `seq` and balance in memory is what makes every write valid without a read. Uses its own client, made by
 * the same factory as the ledger's, so both have the same SDK settings and neither shares the other's sockets.
 */
export function rawTransfers(pairs: readonly AccountPair[], caller: Caller): RawDriver {
  const client = createDocumentClient();
  let state: Array<{ from: AccountRecord; to: AccountRecord }> = [];
  const refresh = async (): Promise<void> => {
    state = await Promise.all(pairs.map(async (pair) => ({
      from: await readAccount(client, pair.fromId),
      to: await readAccount(client, pair.toId),
    })));
  };
  const op: Operation = async (worker) => {
    const accounts = state[worker];
    if (!accounts) throw new Error('The raw driver was not refreshed before its phase.');
    const txn = transactionFor(accounts.from, accounts.to);
    const idempotency = { ref: { callerId: caller.userId, key: `bench-raw-${randomUUID()}` }, record: idempotencyRecordFor(txn) };
    try {
      await client.send(new TransactWriteCommand({
        ClientRequestToken: txn.id,
        TransactItems: transactItems(ledgerWrite([{ transaction: txn, at: txn.createdAt, legs: [accounts.from, accounts.to], idempotency }])).items,
      }));
    } catch (error) {
      // A failed raw write is an error in the results; re-reading keeps the next one valid.
      accounts.from = await readAccount(client, accounts.from.id);
      accounts.to = await readAccount(client, accounts.to.id);
      throw error;
    }
    accounts.from = { ...accounts.from, balance: accounts.from.balance - amountMinor, seq: accounts.from.seq + 1 };
    accounts.to = { ...accounts.to, balance: accounts.to.balance + amountMinor, seq: accounts.to.seq + 1 };
  };
  return { op, refresh };
}

/** The ledger in this process: `transfer` with a fresh idempotency key, each worker on its own pair. */
export function libTransfers(pairs: readonly AccountPair[], caller: Caller): Operation {
  return async (worker) => {
    const pair = pairs[worker]!;
    await transfer(caller, transferBody(pair), `bench-lib-${randomUUID()}`);
  };
}

/** Every worker pays one account (`toId`) from its own payer: the hot-account load. */
export function libPaymentsTo(toId: string, payers: readonly AccountPair[], caller: Caller): Operation {
  return async (worker) => {
    await transfer(caller, transferBody({ fromId: payers[worker]!.fromId, toId }), `bench-hot-${randomUUID()}`);
  };
}

/**
 * The API as a client calls it: `POST /v1/transfers` with the bearer token from login and a fresh Idempotency-Key,
 * over keep-alive connections.
 */
export function apiTransfers(apiUrl: string, pairs: readonly AccountPair[], token: string): Operation {
  return apiPayments(apiUrl, token, (worker) => pairs[worker]!);
}

/**
 * `POST /v1/transfers` as `apiTransfers` sends it, from and to the accounts `route` names for each worker: its own
 * pair, or one account that every worker pays or is paid from.
 */
export function apiPayments(apiUrl: string, token: string, route: (worker: number) => AccountPair): Operation {
  return async (worker) => {
    const headers = { authorization: `Bearer ${token}`, 'idempotency-key': `bench-api-${randomUUID()}` };
    const answer = await postJson(`${apiUrl}/v1/transfers`, transferBody(route(worker)), headers, requestTimeoutMs);
    if (answer.status !== 201) throw new ApiAnswerError('POST /v1/transfers', answer.status, answer.body);
  };
}

/**
 * Places a hold of one minor unit through the API and captures it at once, as a card payment authorized and then
 * settled: two requests, each with its own key; it throws unless both answer 201.
 */
export function apiHoldCaptures(apiUrl: string, token: string, route: (worker: number) => AccountPair): Operation {
  return async (worker) => {
    const auth = { authorization: `Bearer ${token}` };
    const held = await postJson(`${apiUrl}/v1/holds`, transferBody(route(worker)), { ...auth, 'idempotency-key': `bench-hold-${randomUUID()}` }, requestTimeoutMs);
    if (held.status !== 201) throw new ApiAnswerError('POST /v1/holds', held.status, held.body);
    const { id } = JSON.parse(held.body) as { id: string };
    const captured = await postJson(`${apiUrl}/v1/holds/${id}/capture`, {}, { ...auth, 'idempotency-key': `bench-capture-${randomUUID()}` }, requestTimeoutMs);
    if (captured.status !== 201) throw new ApiAnswerError('POST /v1/holds/{id}/capture', captured.status, captured.body);
  };
}

/** An answer other than the one expected; `kind` is its status and problem code, as the error counts show it. */
export class ApiAnswerError extends Error {
  readonly kind: string;

  constructor(request: string, status: number, body: string) {
    super(`${request} answered ${status}: ${body.slice(0, 200)}`);
    this.name = 'ApiAnswerError';
    this.kind = `${status} ${problemCode(body)}`.trim();
  }
}

/** The `code` of a problem+json body, or nothing when the body is not one (a gateway's bare 502). */
function problemCode(body: string): string {
  try {
    const code = (JSON.parse(body) as { code?: unknown }).code;
    return typeof code === 'string' ? code : '';
  } catch {
    return '';
  }
}

/** Sends the login request a client sends; it throws unless the API answers 200. */
export function apiLogins(apiUrl: string, email: string, password: string): Operation {
  return async () => {
    const answer = await postJson(`${apiUrl}/api/v1/users/login`, { email, password }, {}, requestTimeoutMs);
    if (answer.status !== 200) throw new ApiAnswerError('POST /api/v1/users/login', answer.status, answer.body);
  };
}

function transferBody(pair: AccountPair) {
  return { fromAccountId: pair.fromId, toAccountId: pair.toId, amount: amountMinor, currency: benchCurrency };
}

async function readAccount(client: DynamoDBDocumentClient, accountId: string): Promise<AccountRecord> {
  const result = await client.send(new GetCommand({ TableName: config.tableName, Key: keys.account(accountId), ConsistentRead: true }));
  if (!result.Item) throw new Error(`Bench account ${accountId} is missing.`);
  return accountFromItem(result.Item);
}

/** The transaction record the ledger plans for one minor unit from `from` to `to` (its own rules, as an admin). */
function transactionFor(from: AccountRecord, to: AccountRecord): TransactionRecord {
  const initiatedBy = { userId: from.ownerId, role: 'admin' as const, requestId: null, sourceIp: null };
  const minted = { id: randomUUID(), createdAt: new Date().toISOString(), initiatedBy };
  const caller = { userId: from.ownerId, role: 'admin' as const, mfa: true };
  return planTransfer(caller, transferInput(from, to), from, to, minted).transaction;
}

function transferInput(from: AccountRecord, to: AccountRecord) {
  return { fromAccountId: from.id, toAccountId: to.id, amount: amountMinor, currency: benchCurrency };
}

/** The ledger's own idempotency record for `txn`, so raw writes the same bytes. */
function idempotencyRecordFor(txn: TransactionRecord): IdempotencyRecord {
  const input = { fromAccountId: txn.fromAccountId!, toAccountId: txn.toAccountId!, amount: txn.amount, currency: benchCurrency };
  return postedRecord(txn, hashRequest(transferMovement(input)), config.idempotencyTtlSeconds);
}
