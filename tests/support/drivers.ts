import { randomUUID } from 'node:crypto';
import { paginateQuery } from '@aws-sdk/lib-dynamodb';
import { config } from '../../lib/config';
import { AppError } from '../../lib/errors';
import type { Caller } from '../../lib/identity/model';
import { createAccount } from '../../lib/ledger/accounts';
import type { AccountView, CreateAccountBody, TransferBody } from '../../lib/ledger/schemas';
import { transfer } from '../../lib/ledger/transfers';
import { db } from '../../lib/storage/client';
import { findAccount, readShards } from '../../lib/storage/accounts';
import { tokenOfStoredUser } from './ledger-fixtures';
import { keys } from '../../lib/storage/keys';
import { apiClient } from '../../scripts/local/api-client';
import type { StoredTransfer, TransferOutcome } from './model';

const callTimeoutMs = 30_000;

/** The two ways a scenario reaches the ledger: its own functions in this process, or the HTTP API. */
export interface LedgerDriver {
  openAccount(caller: Caller, body: CreateAccountBody): Promise<AccountView>;
  transfer(caller: Caller, body: TransferBody, key?: string): Promise<TransferOutcome>;
}

/**
 * Calls the ledger's functions directly, as the handlers do. An error that is not an `AppError` would be a 500: it
 * is answered as one and kept in `unexpected`, one list per driver so that concurrent runs keep theirs apart.
 */
export function inProcessDriver(): LedgerDriver & { unexpected: Error[] } {
  const unexpected: Error[] = [];
  return {
    unexpected,
    openAccount: (caller, body) => createAccount(caller, body),
    async transfer(caller, body, key) {
      try {
        const result = await transfer(caller, body, key);
        return { status: 201, transactionId: result.transaction.id, replayed: result.replayed };
      } catch (error) {
        if (error instanceof AppError) return { status: error.status, code: error.code };
        unexpected.push(error as Error);
        return { status: 500, code: 'internal_error' };
      }
    },
  };
}

/** Calls the HTTP API at `baseUrl` with tokens signed by the same secret the API uses. */
export function httpDriver(baseUrl: string): LedgerDriver {
  const call = apiClient(baseUrl, callTimeoutMs);
  const tokens = new Map<string, Promise<string>>();
  const tokenFor = (caller: Caller) => {
    const id = `${caller.userId}/${caller.role}/${caller.mfa}`;
    if (!tokens.has(id)) tokens.set(id, tokenOfStoredUser(caller));
    return tokens.get(id)!;
  };
  const post = async (caller: Caller, path: string, body: unknown, headers: Record<string, string> = {}) => {
    const answer = await call('POST', path, { token: await tokenFor(caller), json: body, headers });
    if (answer.body === undefined) throw new Error(`${path} answered ${answer.status} with no JSON: ${answer.text.slice(0, 200)}`);
    return { status: answer.status, headers: answer.headers, json: answer.body as Record<string, unknown> };
  };
  return {
    async openAccount(caller, body) {
      const response = await post(caller, '/v1/accounts', body);
      if (response.status !== 201) throw new Error(`open account answered ${response.status}: ${JSON.stringify(response.json)}`);
      return response.json as unknown as AccountView;
    },
    async transfer(caller, body, key) {
      // The API requires a key; a fresh one per request is what the ledger's keyless transfer means.
      const response = await post(caller, '/v1/transfers', body, { 'idempotency-key': key ?? `fresh-${randomUUID()}` });
      if (response.status === 201) {
        const replayed = response.headers.get('idempotent-replayed') === 'true';
        return { status: 201, transactionId: String(response.json.id), replayed };
      }
      return { status: response.status, code: String(response.json.code) };
    },
  };
}

/**
 * Every transfer out of these accounts, found through its debit entry (each transfer has exactly one), on whichever
 * shard it posted to; a hot account's sweeps are not transfers.
 */
export async function storedTransfers(accountIds: Iterable<string>): Promise<StoredTransfer[]> {
  const found: StoredTransfer[] = [];
  for (const accountId of accountIds) {
    const shards = (await findAccount(accountId))?.shards ?? 1;
    for (let shard = 0; shard < shards; shard += 1) {
      const pages = paginateQuery({ client: db }, {
        TableName: config.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :entry)',
        ExpressionAttributeValues: { ':pk': keys.shard(accountId, shard).pk, ':entry': 'ENTRY#' },
        ConsistentRead: true,
      });
      for await (const page of pages) {
        for (const item of page.Items ?? []) {
          if (item.direction === 'debit' && (item.transaction as { kind?: string }).kind !== 'sweep') found.push(storedTransferOf(item));
        }
      }
    }
  }
  return found;
}

/** A transfer as its debit entry carries it. */
function storedTransferOf(item: Record<string, unknown>): StoredTransfer {
  const txn = item.transaction as Record<string, unknown>;
  return {
    id: String(item.transactionId),
    description: typeof txn.description === 'string' ? txn.description : null,
    from: String(txn.fromAccountId),
    to: String(txn.toAccountId),
    amount: Number(txn.amount),
  };
}

/** The balances of these accounts, from strongly consistent reads (a hot account's, of all its shards at once). */
export async function balancesOf(accountIds: Iterable<string>): Promise<Map<string, number>> {
  const balances = new Map<string, number>();
  for (const accountId of accountIds) {
    const account = await findAccount(accountId);
    if (!account) continue;
    const shards = account.shards === 1 ? [account] : await readShards(account);
    balances.set(accountId, shards.reduce((sum, shard) => sum + shard.balance, 0));
  }
  return balances;
}
