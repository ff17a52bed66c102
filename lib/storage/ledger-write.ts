import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { LedgerBusyError, LedgerUnavailableError } from '../errors';
import { limits } from '../limits';
import { backoff } from '../ledger/backoff';
import { latestOf } from '../ledger/instants';
import {
  keyName, shardName, type AccountRecord, type IdempotencyRecord, type KeyRef, type LedgerWrite, type ShardRef, type TransferPlan,
  type WriteOutcome,
} from '../ledger/model';
import { accountFromItem, balanceUpdate, isAccountItem } from './accounts';
import { batchGetConsistent, db } from './client';
import {
  cancellationReasons, conditionFailed, isAmbiguous, isThrottled, retriedBySdk, retryableCancellation, type TransactItem,
} from './dynamo-errors';
import { eventsOfPlan } from '../events/record';
import { eventItems } from './events';
import { holdCopyUpdates, holdPlacementItems, holdResolution, holdWritten } from './holds';
import { idempotencyFromItem, idempotencyKey, idempotencyPut } from './idempotency';
import { keys } from './keys';
import { entryPut, reversalUpdate, transactionExists, transactionPut } from './transactions';

/*
 * The ledger's one multi-item write, and the read it is planned from. A write moves money for one or more
 * transfers (one in Lambda, a batch when transfers in one process share an account) in one `TransactWriteItems`:
 * all of it commits, or none.
 */

/** What a write is planned from: its shards (by `shardName`), and the unexpired records of the keys asked for (by `keyName`). */
export interface LedgerReads {
  accounts: Map<string, AccountRecord>;
  records: Map<string, IdempotencyRecord>;
}

/** DynamoDB's `BatchGetItem` takes at most 100 keys; keys it leaves unprocessed are asked for again this often. */
const readKeysMax = 100;
const batchRoundsMax = 4;

/** Reads shards and idempotency records in one strongly consistent `BatchGetItem`: one round trip for a batch. */
export async function readForWrite(shards: readonly ShardRef[], refs: readonly KeyRef[]): Promise<LedgerReads> {
  const unique = new Map<string, Record<string, string>>();
  const refOfPk = new Map<string, KeyRef>();
  for (const { accountId, shard } of shards) unique.set(keys.shard(accountId, shard).pk, keys.shard(accountId, shard));
  for (const ref of refs) {
    const key = idempotencyKey(ref);
    unique.set(key.pk, key);
    refOfPk.set(key.pk, ref);
  }
  if (unique.size > readKeysMax) throw new Error(`A batch read of ${unique.size} keys is over DynamoDB's limit.`);
  const reads: LedgerReads = { accounts: new Map(), records: new Map() };
  for (const item of await batchGetConsistent([...unique.values()], batchRoundsMax, () => new LedgerBusyError())) {
    if (isAccountItem(item)) {
      const account = accountFromItem(item);
      reads.accounts.set(shardName(account.id, account.shard), account);
      continue;
    }
    const ref = refOfPk.get(String(item.pk));
    const record = idempotencyFromItem(item);
    if (ref && record) reads.records.set(keyName(ref), record);
  }
  return reads;
}

/**
 * Writes each shard's change once, then each transaction's item, its entries (numbered on from each shard's `seq` as
 * its plan read it) and its idempotency record.
 *
 * After an answer that never came (here, or in an attempt the SDK retried), an earlier send may have committed, and a
 * later refusal says nothing about it: planning the transfers afresh would post them twice. The transaction item,
 * written in the same transaction, tells. If it is absent, `stale` and `key_taken` are safe (an account moved on, or
 * a key was taken, so the earlier send can no longer commit), while `busy` is not proven, so the same request (same
 * token) is sent again instead, a bounded number of times.
 */
export async function writeTransfers(write: LedgerWrite): Promise<WriteOutcome> {
  const { items, roles } = transactItems(write);
  const first = write.transfers[0]!;
  // Same token, same items: DynamoDB applies the write at most once within ten minutes, so a retry after a lost
  // response cannot post twice. Every transfer has a new transaction id (every hold step a new write id), so the first
  // one names the write.
  const command = new TransactWriteCommand({ ClientRequestToken: writeIdOf(first), TransactItems: items });
  let mayHaveCommitted = false;
  for (let send = 1; ; send += 1) {
    try {
      await db.send(command);
      return { status: 'posted' };
    } catch (error) {
      const reasons = cancellationReasons(error);
      let outcome = reasons ? classify(reasons, roles) : isThrottled(error) ? { status: 'busy' as const } : undefined;
      if (outcome === undefined && !isAmbiguous(error)) throw error;
      if ((mayHaveCommitted || retriedBySdk(error)) && outcome !== undefined) {
        if (await committed(first)) return { status: 'posted' };
        if (outcome.status === 'busy') outcome = undefined;
      }
      if (outcome !== undefined) return outcome;
      mayHaveCommitted ||= isAmbiguous(error);
      if (send >= limits.ambiguousSendsMax) throw new LedgerUnavailableError();
      // An earlier send may still be running in DynamoDB (`TransactionInProgressException`): give it time to finish.
      await backoff(send);
    }
  }
}

/** What names a write: its first plan's transaction, or, for a hold step that posts none, the step's write id. */
function writeIdOf(plan: TransferPlan): string {
  return plan.transaction?.id ?? plan.hold!.writeId;
}

/**
 * Whether a write that may have committed did (its first plan's transaction exists, or its hold carries its write id);
 * a read that cannot tell leaves the outcome unknown.
 */
async function committed(plan: TransferPlan): Promise<boolean> {
  try {
    return plan.transaction ? await transactionExists(plan.transaction.id) : await holdWritten(plan.hold!.record.id, plan.hold!.writeId);
  } catch {
    throw new LedgerUnavailableError();
  }
}

/** What each item of a write is, so a cancellation reason can be traced to its shard or key. */
type ItemRole =
  | { kind: 'account'; ref: ShardRef }
  | { kind: 'transfer' }
  | { kind: 'key'; ref: KeyRef }
  | { kind: 'reversed'; transactionId: string }
  | { kind: 'hold'; holdId: string };

/** The items of a write (exported for the benchmark's raw baseline), with the role of each. */
export function transactItems(write: LedgerWrite): { items: TransactItem[]; roles: ItemRole[] } {
  // Every shard's `updatedAt` is then at or after its last entry's `createdAt`, which new ones are minted from (`mintedAt`).
  const now = latestOf(write.transfers.map(({ at }) => at));
  const items: TransactItem[] = [];
  const roles: ItemRole[] = [];
  for (const change of write.accounts) {
    items.push(balanceUpdate(change, now));
    roles.push({ kind: 'account', ref: { accountId: change.read.id, shard: change.read.shard } });
  }
  for (const { transaction: txn, at, legs, idempotency, reversal, hold } of write.transfers) {
    if (txn) {
      items.push(transactionPut(txn));
      roles.push({ kind: 'transfer' });
    }
    if (reversal) {
      items.push(reversalUpdate(reversal, txn!.id));
      roles.push({ kind: 'reversed', transactionId: reversal.transactionId });
    }
    txn?.entries.forEach((entry, index) => {
      items.push(entryPut(txn, entry, legs[index]!.seq + 1));
      roles.push({ kind: 'transfer' });
    });
    if (hold) {
      // The hold's own item first: a failed condition on it is the one traced (`hold_changed`); its copies have none.
      const holdItems = hold.expect === 'absent' ? holdPlacementItems(hold) : [holdResolution(hold), ...holdCopyUpdates(hold)];
      items.push(...holdItems);
      roles.push({ kind: 'hold', holdId: hold.record.id }, ...holdItems.slice(1).map(() => ({ kind: 'transfer' as const })));
    }
    if (idempotency) {
      items.push(idempotencyPut(idempotency.ref, idempotency.record, at));
      roles.push({ kind: 'key', ref: idempotency.ref });
    }
    // The outbox: the change's events, committed with it or not at all.
    for (const event of eventsOfPlan(txn, legs, hold)) {
      const eventPuts = eventItems(event);
      items.push(...eventPuts);
      roles.push(...eventPuts.map(() => ({ kind: 'transfer' as const })));
    }
  }
  return { items, roles };
}

/**
 * Traces a cancellation to its cause. A failed key condition names the keys another request took; a failed condition
 * on a reversed transaction names the originals whose reversals would pass them; one on a hold names the holds
 * resolved (or expired) since they were read; a failed shard condition names the shards that moved on since they were
 * read.
 */
function classify(reasons: string[], roles: readonly ItemRole[]): WriteOutcome {
  const taken = roles.flatMap((role, index) => (role.kind === 'key' && conditionFailed(reasons, index) ? [role.ref] : []));
  if (taken.length > 0) return { status: 'key_taken', keys: taken };
  const over = roles.flatMap((role, index) => (role.kind === 'reversed' && conditionFailed(reasons, index) ? [role.transactionId] : []));
  if (over.length > 0) return { status: 'over_reversed', transactionIds: over };
  const changed = roles.flatMap((role, index) => (role.kind === 'hold' && conditionFailed(reasons, index) ? [role.holdId] : []));
  if (changed.length > 0) return { status: 'hold_changed', holdIds: changed };
  const stale = roles.flatMap((role, index) => (role.kind === 'account' && conditionFailed(reasons, index) ? [role.ref] : []));
  if (stale.length > 0) return { status: 'stale', shards: stale };
  if (retryableCancellation(reasons)) return { status: 'busy' };
  throw new Error(`A ledger write was cancelled for an unexpected reason: ${reasons.join(', ')}`);
}
