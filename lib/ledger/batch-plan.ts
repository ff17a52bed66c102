import { randomUUID } from 'node:crypto';
import { config } from '../config';
import { type AppError, InsufficientFundsError } from '../errors';
import type { Caller } from '../identity/model';
import type { LedgerReads } from '../storage/ledger-write';
import type { Queued } from './group-commit';
import type { HoldStep } from './hold-model';
import { planCapture, planPlacement, planRelease } from './hold-rules';
import { bindsKey, heldRecord, postedRecord, replay, type Replayed } from './idempotency';
import { mintedAt } from './instants';
import {
  keyName, shardName, type AccountRecord, type IdempotencyRecord, type Initiator, type KeyRef, type ReversalGuard, type ShardRef,
  type TransferPlan,
} from './model';
import { accountsAfter, planMovement, type Movement } from './rules';
import { shardFor } from './shard-routing';

/*
 * How the posting engine (./posting.ts) plans a batch: each request in arrival order, against the shards as read and
 * as the batch's earlier plans leave them.
 */

/**
 * A movement as queued: who asks, what, the caller's idempotency key if any, and the hash that key binds. A reversal
 * carries the guard its write puts on the transaction it reverses; a step of a hold, the step (a capture with its
 * movement, a placement or release with none).
 */
export interface MovementRequest {
  caller: Caller;
  initiatedBy: Initiator;
  movement?: Movement;
  reversal?: ReversalGuard;
  hold?: HoldStep;
  requestHash: string;
  keyRef?: KeyRef;
  /** The request's deadline (`lib/request-context.ts`), which its batch's calls to DynamoDB honour. */
  deadline?: AbortSignal;
}

export type QueuedTransfer = Queued<MovementRequest, Replayed>;

/** A request planned for the write. */
export interface Planned {
  queued: QueuedTransfer;
  plan: TransferPlan;
}

/** A hot user account whose shard 0 cannot cover `needed` (a debit or a hold, and what holds reserve) as read: a sweep may. */
export interface Short {
  queued: QueuedTransfer;
  from: AccountRecord;
  needed: number;
}

/**
 * The shards a request reads beyond its entries': the source's shard that holds a hold's reservation (for a
 * placement, the one this process debits it on: shard 0 of a user account), and, for a placement, the destination's
 * shard 0, whose rules it checks.
 */
export function holdShards({ hold }: MovementRequest): ShardRef[] {
  if (!hold) return [];
  if (hold.kind !== 'place') return [{ accountId: hold.hold.fromAccountId, shard: hold.hold.reservedShard }];
  return [{ accountId: hold.hold.fromAccountId, shard: shardFor(hold.hold.fromAccountId, 'debit') }, { accountId: hold.hold.toAccountId, shard: 0 }];
}

/**
 * Plans each request in order against the shards as read, advancing them as each plan leaves them. A request whose
 * key already has an outcome is replayed, one that breaks a rule without a key is refused; both are settled here.
 * One refused under a key is returned, to bind its key before it is answered; a hot account's debit (or hold) that
 * its shard 0 cannot cover is returned as short, not refused.
 */
export function planAll(
  batch: readonly QueuedTransfer[],
  legs: ReadonlyMap<QueuedTransfer, { entries: readonly ShardRef[]; hold: readonly ShardRef[] }>,
  reads: LedgerReads,
): { planned: Planned[]; refused: Array<{ queued: QueuedTransfer; error: AppError }>; short: Short[] } {
  const accounts = new Map(reads.accounts);
  const planned: Planned[] = [];
  const refused: Array<{ queued: QueuedTransfer; error: AppError }> = [];
  const short: Short[] = [];
  for (const queued of batch) {
    const { caller, keyRef, requestHash } = queued.request;
    const shardsOf = (refs: readonly ShardRef[]) => refs.map(({ accountId, shard }) => accounts.get(shardName(accountId, shard)));
    const read = shardsOf(legs.get(queued)!.entries);
    const [from, to] = shardsOf(legs.get(queued)!.hold);
    try {
      const earlier = keyRef && reads.records.get(keyName(keyRef));
      if (earlier) {
        queued.resolve(replay(caller, earlier, requestHash));
        continue;
      }
      const plan = planOne(queued.request, read, from, to);
      const record: IdempotencyRecord | undefined = keyRef && (plan.transaction
        ? postedRecord(plan.transaction, requestHash, config.idempotencyTtlSeconds)
        : heldRecord(plan.hold!.record, requestHash, config.idempotencyTtlSeconds));
      planned.push({ queued, plan: { ...plan, idempotency: keyRef && record ? { ref: keyRef, record } : undefined } });
      for (const account of accountsAfter(plan)) accounts.set(shardName(account.id, account.shard), account);
    } catch (error) {
      const hot = error instanceof InsufficientFundsError ? shortOf(queued.request, read, from) : undefined;
      if (hot) short.push({ queued, ...hot });
      else if (keyRef && bindsKey(error)) refused.push({ queued, error });
      else queued.reject(error);
    }
  }
  return { planned, refused, short };
}

/** Plans one request: a movement, or a step of a hold (with the capture's movement). */
function planOne(
  request: MovementRequest,
  read: ReadonlyArray<AccountRecord | undefined>,
  from: AccountRecord | undefined,
  to: AccountRecord | undefined,
): Omit<TransferPlan, 'idempotency'> {
  const { caller, initiatedBy, movement, reversal, hold } = request;
  const minted = { id: randomUUID(), createdAt: mintedAt([...read, from, to]), initiatedBy };
  if (!hold) return { ...planMovement(caller, movement!, read, minted), reversal };
  if (hold.kind === 'capture') return planCapture(caller, hold, movement!, from, read, minted);
  if (hold.kind === 'release') return planRelease(hold, from, minted.createdAt, minted.id);
  const createdAt = minted.createdAt;
  const expiresAt = new Date(Date.parse(createdAt) + hold.lifetimeSeconds * 1000).toISOString();
  return planPlacement(caller, { ...hold.hold, createdAt, expiresAt, createdBy: initiatedBy, reservedShard: from?.shard ?? 0 }, from, to, minted.id);
}

/**
 * The hot user account a request found short on shard 0 (a debit of a movement, or a hold's placement), which a sweep
 * of its other shards may cover: shard 0 must hold the amount and what holds already reserve there.
 */
function shortOf(request: MovementRequest, read: ReadonlyArray<AccountRecord | undefined>, from: AccountRecord | undefined): Omit<Short, 'queued'> | undefined {
  const wants: Array<{ account: AccountRecord | undefined; amount: number }> = request.hold?.kind === 'place'
    ? [{ account: from, amount: request.hold.hold.amount }]
    : (request.movement?.entries ?? []).flatMap(({ direction, amount }, leg) => (direction === 'debit' ? [{ account: read[leg], amount }] : []));
  const found = wants.find(({ account, amount }) => account !== undefined && account.type === 'user' && account.shards > 1
    && account.balance - account.pending < amount);
  return found ? { from: found.account!, needed: found.amount + found.account!.pending } : undefined;
}

/** The accounts a request's entries touch: a movement's, none for a hold's placement or release. */
export function entriesOf(movement: Movement | undefined): Movement['entries'] {
  return movement?.entries ?? [];
}
