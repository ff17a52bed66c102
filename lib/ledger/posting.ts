import { randomUUID } from 'node:crypto';
import { config } from '../config';
import { deadlinePassed, withSignal } from '../request-context';
import {
  type AppError, BalanceLimitExceededError, InsufficientFundsError, LedgerBusyError, ReversalExceedsOriginalError,
} from '../errors';
import type { Caller } from '../identity/model';
import { bindRefusal, findIdempotencyRecord } from '../storage/idempotency';
import { readShards } from '../storage/accounts';
import { readForWrite, writeTransfers, type LedgerReads } from '../storage/ledger-write';
import { backoff, retryPolicy } from './backoff';
import { GroupCommit, type Queued } from './group-commit';
import { mintedAt } from './instants';
import { bindsKey, postedRecord, refusedRecord, replay } from './idempotency';
import {
  keyName, shardName, type AccountRecord, type IdempotencyRecord, type Initiator, type KeyRef, type ReversalGuard,
  type ShardRef, type TransferPlan,
} from './model';
import { accountsAfter, ledgerWrite, planMovement, planSweep, type Movement } from './rules';
import type { TransactionView } from './schemas';
import { leaveShard, learn, legsOf, shardsToLeave } from './shard-routing';
import { transactionView } from './transaction-view';

/*
 * The ledger's posting engine: every movement (a transfer, a transaction, a reversal) is queued here, planned against
 * the shards it posts to as read, and written in one `TransactWriteItems` with the shards' conditional updates.
 */

/**
 * What a movement answers: the transaction as the caller may see it, and whether it replays an earlier request with
 * the same key. A refusal is thrown, a replayed one too (`ReplayedRefusalError`).
 */
export interface TransferResult {
  transaction: TransactionView;
  replayed: boolean;
}

/**
 * A movement as queued: who asks, what, the caller's idempotency key if any, and the hash that key binds. A reversal
 * carries the guard its write puts on the transaction it reverses.
 */
export interface MovementRequest {
  caller: Caller;
  initiatedBy: Initiator;
  movement: Movement;
  reversal?: ReversalGuard;
  requestHash: string;
  keyRef?: KeyRef;
  /** The request's deadline (`lib/request-context.ts`), which its batch's calls to DynamoDB honour. */
  deadline?: AbortSignal;
}

/** Queues a movement for the ledger write and answers with its outcome. */
export function post(request: MovementRequest): Promise<TransferResult> {
  return queue.submit(request);
}

/**
 * Binds a refusal to its key and throws it; if another request under the key got there first, replays that one's
 * outcome instead. A key whose record cannot be read back is busy: nothing was written for this request.
 */
export async function settleRefusal(caller: Caller, keyRef: KeyRef, requestHash: string, refusal: AppError): Promise<TransferResult> {
  const now = new Date().toISOString();
  if (await bindRefusal(keyRef, refusedRecord(refusal, requestHash, now, config.idempotencyTtlSeconds), now)) throw refusal;
  const winner = await findIdempotencyRecord(keyRef);
  if (!winner) throw new LedgerBusyError();
  return { transaction: replay(caller, winner, requestHash), replayed: true };
}

/**
 * Group commit. In Lambda a process serves one request at a time, so the queue runs each movement at once as a batch
 * of one. In a long-lived process, movements that touch a common account while a write on it is in flight wait, and
 * then go out together as one write of at most 100 items (one per account, and per movement its transaction, its
 * entries, its key and a reversal's guard), so a busy account takes a batch per write instead of losing most writes
 * to each other. Requests under one idempotency key never share a batch, so the second one finds the first one's
 * record and replays it; nor do two reversals of one transaction, whose guards update one item.
 */
const queue = new GroupCommit<MovementRequest, TransferResult>({
  claimOf: ({ movement, keyRef, reversal }) => ({
    shared: movement.entries.map(({ accountId }) => accountId),
    exclusive: [...(keyRef ? [keyName(keyRef)] : []), ...(reversal ? [`reversal\u0000${reversal.transactionId}`] : [])],
    items: 1 + movement.entries.length + (keyRef ? 1 : 0) + (reversal ? 1 : 0),
  }),
  run: (batch) => withSignal(earliestDeadline(batch), () => postTransfers(batch)),
  busyError: () => new LedgerBusyError(),
  itemsMax: 100,
  waitingMax: 2000,
  budgetMs: retryPolicy.budgetMs,
});

type QueuedTransfer = Queued<MovementRequest, TransferResult>;

/**
 * A batch runs until the earliest deadline of its requests, so each one is answered before its own function's
 * timeout; the others of the batch are then answered too, as the write left them (in Lambda a batch is one request).
 */
function earliestDeadline(batch: readonly QueuedTransfer[]): AbortSignal | undefined {
  const signals = batch.flatMap(({ request }) => (request.deadline ? [request.deadline] : []));
  return signals.length > 1 ? AbortSignal.any(signals) : signals[0];
}

/**
 * Posts a batch (in Lambda, one transfer): read every shard it posts to (and, the first time, every key), replay what
 * was already posted, plan the rest in arrival order against the shards as the earlier ones leave them, and write
 * them all at once. A transfer that breaks a rule is refused alone. While a shard keeps moving under the write
 * (another process), it is re-read and re-planned, within bounded attempts and each request's deadline; a hot
 * account's shard that another process also writes is left for another one.
 */
async function postTransfers(batch: readonly QueuedTransfer[]): Promise<void> {
  let live = [...batch];
  const keysRead = new Set<QueuedTransfer>();
  for (let attempt = 0; live.length > 0; attempt += 1) {
    live = live.filter((queued) => !queued.settled && withinBounds(queued, attempt));
    if (live.length === 0) return;
    // A retry after a stale write needs only the shards: a winner under a key shows up as `key_taken`.
    const unread = live.filter((queued) => queued.request.keyRef && !keysRead.has(queued));
    const reads = await readForWrite(live.flatMap(({ request }) => legsOf(request.movement.entries)), unread.map((queued) => queued.request.keyRef!));
    for (const queued of unread) keysRead.add(queued);
    for (const account of reads.accounts.values()) learn(account);
    // An account read here for the first time was read on shard 0; a hot one is written on a shard of this process's
    // own, read now, so that instances new to a hot account do not all meet on its shard 0.
    const legs = new Map(live.map((queued) => [queued, legsOf(queued.request.movement.entries)] as const));
    const unreadShards = [...legs.values()].flat().filter(({ accountId, shard }) => !reads.accounts.has(shardName(accountId, shard)));
    if (unreadShards.some(({ shard }) => shard !== 0)) {
      for (const [name, account] of (await readForWrite(unreadShards, [])).accounts) reads.accounts.set(name, account);
    }
    const { planned, refused, short } = planAll(live, legs, reads);
    await Promise.all(refused.map(({ queued, error }) => settleRefused(queued, error)));
    if (short.length > 0) {
      // A hot account's debit found too little on shard 0: sweep its other shards in, then plan everything again.
      if (!(await sweepFor(short[0]!))) await backoff(attempt);
      continue;
    }
    live = planned.map(({ queued }) => queued);
    if (planned.length === 0) return;
    const outcome = await writeTransfers(ledgerWrite(planned.map(({ plan }) => plan)));
    if (outcome.status === 'posted') {
      for (const { queued, plan } of planned) {
        queued.resolve({ transaction: transactionView(queued.request.caller, plan.transaction), replayed: false });
      }
      return;
    }
    if (outcome.status === 'over_reversed') {
      // Other reversals of the same transaction took what remained of it since it was read: refused, under its key.
      const over = new Set(outcome.transactionIds);
      await Promise.all(planned.filter(({ plan }) => plan.reversal && over.has(plan.reversal.transactionId)).map(({ queued }) => {
        const refusal = new ReversalExceedsOriginalError();
        return queued.request.keyRef ? settleRefused(queued, refusal) : queued.reject(refusal);
      }));
      live = live.filter((queued) => !queued.settled);
      continue;
    }
    if (outcome.status === 'key_taken') {
      const taken = new Set(outcome.keys.map(keyName));
      for (const { queued } of planned) {
        if (queued.request.keyRef && taken.has(keyName(queued.request.keyRef))) await replayWinner(queued);
      }
      continue;
    }
    if (outcome.status === 'stale') await moveOff(outcome.shards);
    await backoff(attempt);
  }
}

/** Settles a transfer the rules refused: under a key, once the refusal is bound to it. */
function settleRefused(queued: QueuedTransfer, error: AppError): Promise<void> {
  return settle(queued, () => {
    const { caller, keyRef, requestHash } = queued.request;
    return settleRefusal(caller, keyRef!, requestHash, error);
  });
}

/**
 * Sweeps the account a debit came up short on, from one read of all its shards. If all of them together hold too
 * little, the debit is refused for funds, as on any account; if another process swept first, nothing is written.
 * Whether the debit may be planned again at once: `false` when the sweep met a shard that moved (back off first).
 */
async function sweepFor({ queued, from, needed }: Short): Promise<boolean> {
  const { initiatedBy, keyRef } = queued.request;
  const shards = await readShards(from);
  const swept = planSweep(shards, needed, { id: randomUUID(), createdAt: mintedAt(shards), initiatedBy });
  if (swept.kind === 'insufficient' || swept.kind === 'too_large') {
    const refusal = swept.kind === 'insufficient' ? new InsufficientFundsError() : new BalanceLimitExceededError();
    if (keyRef) await settleRefused(queued, refusal);
    else queued.reject(refusal);
    return true;
  }
  if (swept.kind === 'covered') return true;
  const outcome = await writeTransfers(ledgerWrite([swept.plan]));
  if (outcome.status === 'stale') await moveOff(outcome.shards);
  return outcome.status === 'posted';
}

/** A shard no write touched for this long is taken to be no process's: one to move to. */
const quietMs = 2000;

/**
 * Moves this process off the hot accounts' shards that another process wrote under its write, each to a shard that
 * no process wrote lately (one read of the account's shards), so that instances find shards of their own in a move
 * or two instead of meeting again at random.
 */
async function moveOff(stale: readonly ShardRef[]): Promise<void> {
  for (const ref of stale) {
    const shards = shardsToLeave(ref);
    if (shards.length === 0) continue;
    const quietSinceMs = Date.now() - quietMs;
    const read = await readForWrite(shards, []);
    leaveShard(ref, [...read.accounts.values()].filter((shard) => Date.parse(shard.updatedAt) < quietSinceMs).map((shard) => shard.shard));
  }
}

/** Whether a transfer may be tried again; one that may not is answered `ledger_busy` (nothing of it was written). */
function withinBounds(queued: QueuedTransfer, attempt: number): boolean {
  if (attempt < retryPolicy.attemptsMax && Date.now() < queued.deadlineMs && !deadlinePassed()) return true;
  queued.reject(new LedgerBusyError());
  return false;
}

/** Settles a queued transfer with what `fn` answers or throws. */
async function settle(queued: QueuedTransfer, fn: () => Promise<TransferResult>): Promise<void> {
  try {
    queued.resolve(await fn());
  } catch (error) {
    queued.reject(error);
  }
}

/** A transfer planned for the write. */
interface Planned {
  queued: QueuedTransfer;
  plan: TransferPlan;
}

/** A hot user account's debit of `needed` that shard 0 cannot cover as read: a sweep may. */
interface Short {
  queued: QueuedTransfer;
  from: AccountRecord;
  needed: number;
}

/**
 * Plans each transfer in order against the shards as read, advancing them as each plan leaves them. A transfer whose
 * key already has an outcome is replayed, one that breaks a rule without a key is refused; both are settled here.
 * One refused under a key is returned, to bind its key before it is answered; a hot account's debit that its shard 0
 * cannot cover is returned as short, not refused.
 */
function planAll(
  batch: readonly QueuedTransfer[],
  legs: ReadonlyMap<QueuedTransfer, readonly ShardRef[]>,
  reads: LedgerReads,
): { planned: Planned[]; refused: Array<{ queued: QueuedTransfer; error: AppError }>; short: Short[] } {
  const accounts = new Map(reads.accounts);
  const planned: Planned[] = [];
  const refused: Array<{ queued: QueuedTransfer; error: AppError }> = [];
  const short: Short[] = [];
  for (const queued of batch) {
    const { caller, initiatedBy, movement, keyRef, requestHash, reversal } = queued.request;
    const read = legs.get(queued)!.map(({ accountId, shard }) => accounts.get(shardName(accountId, shard)));
    try {
      const earlier = keyRef && reads.records.get(keyName(keyRef));
      if (earlier) {
        queued.resolve({ transaction: replay(caller, earlier, requestHash), replayed: true });
        continue;
      }
      const minted = { id: randomUUID(), createdAt: mintedAt(read), initiatedBy };
      const plan = planMovement(caller, movement, read, minted);
      const record: IdempotencyRecord | undefined = keyRef && postedRecord(plan.transaction, requestHash, config.idempotencyTtlSeconds);
      planned.push({ queued, plan: { ...plan, idempotency: keyRef && record ? { ref: keyRef, record } : undefined, reversal } });
      for (const account of accountsAfter(plan)) accounts.set(shardName(account.id, account.shard), account);
    } catch (error) {
      const hot = error instanceof InsufficientFundsError ? shortOf(movement, read) : undefined;
      if (hot) short.push({ queued, ...hot });
      else if (keyRef && bindsKey(error)) refused.push({ queued, error });
      else queued.reject(error);
    }
  }
  return { planned, refused, short };
}

/** The hot user account a movement's debit found short on shard 0, which a sweep of its other shards may cover. */
function shortOf(movement: Movement, read: ReadonlyArray<AccountRecord | undefined>): Omit<Short, 'queued'> | undefined {
  const index = movement.entries.findIndex(({ direction, amount }, leg) => {
    const account = read[leg];
    return direction === 'debit' && account !== undefined && account.type === 'user' && account.shards > 1 && account.balance < amount;
  });
  return index < 0 ? undefined : { from: read[index]!, needed: movement.entries[index]!.amount };
}

/** Settles a movement whose key another request took first, with that request's outcome, if it is there. */
async function replayWinner(queued: QueuedTransfer): Promise<void> {
  const { caller, keyRef, requestHash } = queued.request;
  const winner = await findIdempotencyRecord(keyRef!);
  if (!winner) return;
  await settle(queued, async () => ({ transaction: replay(caller, winner, requestHash), replayed: true }));
}
