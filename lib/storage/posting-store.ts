import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { assert, LedgerUnavailableError } from '../errors';
import { cancellationReasons } from './cancellation';
import { db } from './client';
import { keys } from './keys';
import type { AccountRecord, TransactionRecord } from './ledger-store';
import type { IdempotencyRecord } from './posting-reads';

/**
 * Everything one transfer writes. `from` and `to` are the accounts just before this transfer: as read for the first
 * transfer of a batch that touches them, then as the batch's earlier transfers left them.
 */
export interface PostingPlan {
  transaction: TransactionRecord;
  from: AccountRecord;
  to: AccountRecord;
  idempotency?: { callerId: string; key: string; record: IdempotencyRecord };
}

/**
 * How a posting ended. `stale`: an account changed since it was read (re-read and re-plan). `idempotency_taken`:
 * another request posted first under the keys of the plans at these indexes. `busy`: DynamoDB asked us to back off.
 */
export type PostingOutcome =
  | { status: 'posted' | 'stale' | 'busy' }
  | { status: 'idempotency_taken'; plans: number[] };

const retryableReasons = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);
const retryableErrors = new Set(['ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded']);
/** Same-request retries after an answer that never came; the client request token makes them safe. */
const ambiguousAttemptsMax = 3;

/**
 * Writes a batch of transfers in one `TransactWriteItems`, all or nothing: each account's balance update (once, with
 * the batch's net amount), and for every transfer its transaction, its two entries and its idempotency record. Each
 * balance update is guarded by the account's `seq` as read, so every check the ledger made on that read (existence,
 * currency, floor, overflow) still holds when the write commits; the currency and floor are also restated as
 * conditions so that no code path can skip them.
 */
export async function postTransfers(plans: readonly PostingPlan[]): Promise<PostingOutcome> {
  const { items, roles } = buildWrite(plans);
  const command = new TransactWriteCommand({
    // Same token, same items: DynamoDB applies the write at most once within ten minutes, so a retry after a lost
    // response cannot post twice. Every plan has a new transaction id, so the first one names the write.
    ClientRequestToken: plans[0]!.transaction.id,
    TransactItems: items,
  });
  let mayHaveCommitted = false;
  for (let attempt = 1; ; attempt += 1) {
    try {
      await db.send(command);
      return { status: 'posted' };
    } catch (error) {
      const reasons = cancellationReasons(error);
      let outcome: PostingOutcome | undefined = reasons ? classify(reasons, roles)
        : retryableErrors.has((error as Error).name) ? { status: 'busy' } : undefined;
      if (outcome === undefined && !isAmbiguous(error)) throw error;
      // After an answer that never came (here, or in an attempt the SDK retried), an earlier send may have committed,
      // and a later refusal says nothing about it: planning the transfers afresh would post them twice. The
      // transaction items, written in the same transaction, tell. If they are absent, "stale" and "idempotency_taken"
      // are safe (an account moved on, or a key was taken, so the earlier send can no longer commit), while "busy" is
      // not proven, so the same request (same token) is sent again instead.
      if ((mayHaveCommitted || retriedBySdk(error)) && outcome !== undefined) {
        if (await transactionExists(plans[0]!.transaction.id)) return { status: 'posted' };
        if (outcome.status === 'busy') outcome = undefined;
      }
      if (outcome !== undefined) return outcome;
      mayHaveCommitted ||= isAmbiguous(error);
      if (attempt >= ambiguousAttemptsMax) {
        throw new LedgerUnavailableError();
      }
    }
  }
}

/** Whether a transaction item exists, from a strongly consistent read of its key alone. */
async function transactionExists(transactionId: string): Promise<boolean> {
  const result = await db.send(new GetCommand({
    TableName: config.tableName,
    Key: keys.transaction(transactionId),
    ConsistentRead: true,
    ProjectionExpression: 'pk',
  }));
  return result.Item !== undefined;
}

type TransactItem = NonNullable<TransactWriteCommand['input']['TransactItems']>[number];

/** What each item of a batch's write is, so a cancellation reason can be traced to its account or transfer. */
type ItemRole = { kind: 'account' } | { kind: 'transfer' | 'idempotency'; plan: number };

/** One account's part in a batch: its state as read, and what the batch's transfers add up to. */
interface AccountChange {
  read: AccountRecord;
  deltaMinor: number;
  entries: number;
}

/** The items of the one `TransactWriteItems` a batch of transfers issues (exported for the benchmark's raw baseline). */
export function transactItems(plans: readonly PostingPlan[]): TransactItem[] {
  return buildWrite(plans).items;
}

/** Account updates first, in the order the plans first touch them; then each transfer's items, in plan order. */
function buildWrite(plans: readonly PostingPlan[]): { items: TransactItem[]; roles: ItemRole[] } {
  const changes = accountChanges(plans);
  const now = plans[plans.length - 1]!.transaction.createdAt;
  const items: TransactItem[] = [];
  const roles: ItemRole[] = [];
  for (const change of changes.values()) {
    items.push({ Update: balanceUpdate(change, now) });
    roles.push({ kind: 'account' });
  }
  plans.forEach((plan, index) => {
    const { transaction: txn, from, to } = plan;
    const [debit, credit] = txn.entries;
    items.push(
      { Put: { TableName: config.tableName, Item: { ...keys.transaction(txn.id), entity: 'transaction', ...txn }, ConditionExpression: 'attribute_not_exists(pk)' } },
      { Put: { TableName: config.tableName, Item: entryItem(txn, debit!, from.seq + 1), ConditionExpression: 'attribute_not_exists(pk)' } },
      { Put: { TableName: config.tableName, Item: entryItem(txn, credit!, to.seq + 1), ConditionExpression: 'attribute_not_exists(pk)' } },
    );
    roles.push({ kind: 'transfer', plan: index }, { kind: 'transfer', plan: index }, { kind: 'transfer', plan: index });
    if (plan.idempotency) {
      items.push({ Put: idempotencyPut(plan.idempotency, txn.createdAt) });
      roles.push({ kind: 'idempotency', plan: index });
    }
  });
  return { items, roles };
}

/**
 * Sums each account's changes over the batch, and checks before writing that the plans chain: every transfer starts
 * from the state the previous one on that account left, so the entries' sequence numbers and balances run on
 * without gaps.
 */
function accountChanges(plans: readonly PostingPlan[]): Map<string, AccountChange> {
  const changes = new Map<string, AccountChange>();
  for (const { transaction: txn, from, to } of plans) {
    for (const [account, deltaMinor] of [[from, -txn.amount], [to, txn.amount]] as const) {
      const change = changes.get(account.id) ?? { read: account, deltaMinor: 0, entries: 0 };
      assert(account.seq === change.read.seq + change.entries, 'a batch\'s transfers chain on each account\'s sequence');
      assert(account.balance === change.read.balance + change.deltaMinor, 'a batch\'s transfers chain on each account\'s balance');
      change.deltaMinor += deltaMinor;
      change.entries += 1;
      changes.set(account.id, change);
    }
  }
  return changes;
}

/** One account's balance update, guarded by its `seq` as read; an account that loses money restates its floor. */
function balanceUpdate({ read, deltaMinor, entries }: AccountChange, now: string): NonNullable<TransactItem['Update']> {
  const floor = deltaMinor < 0 ? ' AND (#type = :system OR balance >= :needed)' : '';
  return {
    TableName: config.tableName,
    Key: keys.account(read.id),
    UpdateExpression: 'SET balance = balance + :delta, seq = :nextSeq, updatedAt = :now',
    ConditionExpression: `seq = :seq AND currency = :currency${floor}`,
    ...(floor ? { ExpressionAttributeNames: { '#type': 'type' } } : {}),
    ExpressionAttributeValues: {
      ':delta': deltaMinor, ':seq': read.seq, ':nextSeq': read.seq + entries, ':now': now, ':currency': read.currency,
      ...(floor ? { ':system': 'system', ':needed': -deltaMinor } : {}),
    },
  };
}

function idempotencyPut(idempotency: NonNullable<PostingPlan['idempotency']>, now: string): NonNullable<TransactItem['Put']> {
  const { callerId, key, record } = idempotency;
  return {
    TableName: config.tableName,
    Item: { ...keys.idempotency(callerId, key), entity: 'idempotency', callerId, ...record, createdAt: now },
    // An expired record no longer binds its key, even before DynamoDB's TTL sweep deletes it.
    ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :nowEpoch',
    ExpressionAttributeValues: { ':nowEpoch': Math.floor(Date.parse(now) / 1000) },
  };
}

/** The item behind one line of an account's statement; it carries the whole transaction so a page is one query. */
function entryItem(txn: TransactionRecord, entry: TransactionRecord['entries'][number], seq: number) {
  return {
    ...keys.entry(entry.accountId, seq),
    entity: 'entry',
    accountId: entry.accountId,
    seq,
    transactionId: txn.id,
    direction: entry.direction,
    amount: entry.amount,
    balanceAfter: entry.balanceAfter,
    currency: txn.currency,
    createdAt: txn.createdAt,
    transaction: txn,
  };
}

/**
 * Traces a cancellation to its cause. A failed idempotency condition names the transfers whose keys were taken; a
 * failed account condition means an account moved on since it was read.
 */
function classify(reasons: string[], roles: readonly ItemRole[]): PostingOutcome {
  const failed = (index: number) => reasons[index] === 'ConditionalCheckFailed';
  const taken = roles.flatMap((role, index) => (role.kind === 'idempotency' && failed(index) ? [role.plan] : []));
  if (taken.length > 0) return { status: 'idempotency_taken', plans: taken };
  if (roles.some((role, index) => role.kind === 'account' && failed(index))) return { status: 'stale' };
  if (reasons.some((reason) => retryableReasons.has(reason))) return { status: 'busy' };
  throw new Error(`Transfer cancelled for an unexpected reason: ${reasons.join(', ')}`);
}

/** Whether the SDK already retried this request: its earlier attempts may have been lost responses. */
function retriedBySdk(error: unknown): boolean {
  return ((error as { $metadata?: { attempts?: number } })?.$metadata?.attempts ?? 1) > 1;
}

/** A timeout or dropped connection: the write may or may not have committed. */
function isAmbiguous(error: unknown): boolean {
  const name = (error as Error)?.name ?? '';
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  // TransactionInProgressException: DynamoDB is still applying an earlier send with this token, which may commit.
  return name === 'TimeoutError' || name === 'RequestTimeout' || name === 'TransactionInProgressException'
    || /ECONNRESET|EPIPE|socket hang up/.test(String((error as Error)?.message))
    || (status !== undefined && status >= 500);
}

