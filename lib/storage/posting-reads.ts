import { BatchGetCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { LedgerBusyError } from '../errors';
import { db } from './client';
import { keys } from './keys';
import { toAccount, type AccountRecord } from './ledger-store';

/** The idempotency record of a posted transfer: what the key was bound to, and the answer to replay. */
export interface IdempotencyRecord {
  requestHash: string;
  transactionId: string;
  status: number;
  response: string;
  expiresAt: number;
}

/** A caller's idempotency key. */
export interface KeyRef {
  callerId: string;
  key: string;
}

/** What one attempt at a batch of transfers reads: its accounts, and the idempotency records asked for. */
export interface TransferReads {
  accounts: Map<string, AccountRecord>;
  /** Unexpired records, by `keyRefName` of their key. */
  records: Map<string, IdempotencyRecord>;
}

/** DynamoDB's `BatchGetItem` takes at most 100 keys. */
const readKeysMax = 100;
const batchRoundsMax = 4;

/** A stable name for a caller's key, unique across callers. */
export function keyRefName(ref: KeyRef): string {
  return keys.idempotency(ref.callerId, ref.key).pk;
}

/**
 * Reads accounts and idempotency records in one strongly consistent `BatchGetItem`: one round trip for a whole batch
 * of transfers. Keys DynamoDB leaves unprocessed are asked for again, a bounded number of times.
 */
export async function readForTransfers(accountIds: readonly string[], refs: readonly KeyRef[]): Promise<TransferReads> {
  const unique = new Map<string, Record<string, string>>();
  for (const id of accountIds) unique.set(keys.account(id).pk, keys.account(id));
  for (const ref of refs) unique.set(keyRefName(ref), keys.idempotency(ref.callerId, ref.key));
  if (unique.size > readKeysMax) throw new Error(`A batch read of ${unique.size} keys is over DynamoDB's limit.`);
  let pending = [...unique.values()];
  const items: Array<Record<string, unknown>> = [];
  for (let round = 0; pending.length > 0; round += 1) {
    if (round >= batchRoundsMax) throw new LedgerBusyError();
    const result = await db.send(new BatchGetCommand({ RequestItems: { [config.tableName]: { Keys: pending, ConsistentRead: true } } }));
    items.push(...(result.Responses?.[config.tableName] ?? []));
    pending = (result.UnprocessedKeys?.[config.tableName]?.Keys ?? []) as Array<Record<string, string>>;
  }
  const reads: TransferReads = { accounts: new Map(), records: new Map() };
  for (const item of items) {
    if (item.sk === keys.account('').sk) {
      const account = toAccount(item);
      reads.accounts.set(account.id, account);
    } else {
      const record = toIdempotencyRecord(item);
      if (record) reads.records.set(String(item.pk), record);
    }
  }
  return reads;
}

/** Reads the idempotency record for a caller's key, or `undefined` if there is none or it has expired. */
export async function findIdempotencyRecord(ref: KeyRef): Promise<IdempotencyRecord | undefined> {
  const result = await db.send(new GetCommand({
    TableName: config.tableName,
    Key: keys.idempotency(ref.callerId, ref.key),
    ConsistentRead: true,
  }));
  return result.Item ? toIdempotencyRecord(result.Item) : undefined;
}

/** An unexpired idempotency record, or `undefined`. */
function toIdempotencyRecord(item: Record<string, unknown>): IdempotencyRecord | undefined {
  if (Number(item.expiresAt) <= Math.floor(Date.now() / 1000)) return undefined;
  return {
    requestHash: String(item.requestHash),
    transactionId: String(item.transactionId),
    status: Number(item.status),
    response: String(item.response),
    expiresAt: Number(item.expiresAt),
  };
}
