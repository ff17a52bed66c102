import { randomUUID } from 'node:crypto';
import { config } from '../config';
import { deadlinePassed, deadlineSignal, withSignal } from '../request-context';
import {
  type AppError, BalanceLimitExceededError, InsufficientFundsError, LedgerBusyError, ReversalExceedsOriginalError,
} from '../errors';
import type { Caller } from '../identity/model';
import { bindRefusal, findIdempotencyRecord } from '../storage/idempotency';
import { readShards } from '../storage/accounts';
import { eventItemCount } from '../storage/events';
import { readForWrite, writeTransfers } from '../storage/ledger-write';
import { backoff, retryPolicy } from './backoff';
import { entriesOf, holdShards, planAll, type MovementRequest, type QueuedTransfer, type Short } from './batch-plan';

export type { MovementRequest } from './batch-plan';
import { GroupCommit } from './group-commit';
import type { HoldStep } from './hold-model';
import { holdRefusal } from './hold-read';
import { mintedAt } from './instants';
import { refusedRecord, replay, type Replayed } from './idempotency';
import { keyName, shardName, type KeyRef, type ShardRef } from './model';
import { ledgerWrite, planSweep } from './rules';
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

/** Where a request came from, as API Gateway saw it: kept on the transaction it posts. */
export interface Origin {
  requestId: string | null;
  sourceIp: string | null;
}

/**
 * What a caller submits to the ledger: a movement, a step of a hold, or both (a capture), with the hash its key binds,
 * the key if any, and a refusal found before any account is read, if one was.
 */
export interface Submission extends Pick<MovementRequest, 'movement' | 'reversal' | 'hold' | 'requestHash'> {
  idempotencyKey?: string;
  origin: Origin;
  refusal?: AppError;
}

/**
 * Queues a submission for the ledger write and answers with its outcome, or, when a refusal is given, answers it
 * without reading any account: under a key, once the refusal is bound to it (or the key's earlier outcome replayed).
 */
export async function submitToLedger(caller: Caller, submission: Submission): Promise<Replayed> {
  const { idempotencyKey, origin, refusal, ...request } = submission;
  const keyRef: KeyRef | undefined = idempotencyKey === undefined ? undefined : { callerId: caller.userId, key: idempotencyKey };
  if (refusal) {
    if (!keyRef) throw refusal;
    const earlier = await findIdempotencyRecord(keyRef);
    return earlier ? replay(caller, earlier, request.requestHash) : settleRefusal(caller, keyRef, request.requestHash, refusal);
  }
  const initiatedBy = { userId: caller.userId, role: caller.role, ...origin };
  return queue.submit({ ...request, caller, initiatedBy, keyRef, deadline: deadlineSignal() });
}

/** Queues a step of a hold made outside any request (the expiry sweep) and answers with the hold as it leaves it. */
export function postHoldStep(request: MovementRequest & { hold: HoldStep }): Promise<Replayed> {
  return queue.submit(request);
}

/**
 * Binds a refusal to its key and throws it; if another request under the key got there first, replays that one's
 * outcome instead. A key whose record cannot be read back is busy: nothing was written for this request.
 */
export async function settleRefusal(caller: Caller, keyRef: KeyRef, requestHash: string, refusal: AppError): Promise<Replayed> {
  const now = new Date().toISOString();
  if (await bindRefusal(keyRef, refusedRecord(refusal, requestHash, now, config.idempotencyTtlSeconds), now)) throw refusal;
  const winner = await findIdempotencyRecord(keyRef);
  if (!winner) throw new LedgerBusyError();
  return replay(caller, winner, requestHash);
}

/**
 * Group commit. In Lambda a process serves one request at a time, so the queue runs each movement at once as a batch
 * of one. In a long-lived process, movements that touch a common account while a write on it is in flight wait, and
 * then go out together as one write of at most 100 items (one per account, and per movement its transaction, its
 * entries, its key and a reversal's guard), so a busy account takes a batch per write instead of losing most writes
 * to each other. Requests under one idempotency key never share a batch, so the second one finds the first one's
 * record and replays it; nor do two reversals of one transaction, whose guards update one item, nor two steps of one
 * hold.
 */
const queue = new GroupCommit<MovementRequest, Replayed>({
  claimOf: (request) => {
    const { movement, keyRef, reversal, hold } = request;
    const entries = entriesOf(movement);
    return {
      shared: [...entries.map(({ accountId }) => accountId), ...holdShards(request).map(({ accountId }) => accountId)],
      exclusive: [
        ...(keyRef ? [keyName(keyRef)] : []), ...(reversal ? [`reversal\u0000${reversal.transactionId}`] : []),
        ...(hold ? [`hold\u0000${hold.hold.id}`] : []),
      ],
      // A hold's item and its two copies, and its source's shard where no entry writes it; then the events (the outbox):
      // a transaction's (its item, a copy for each owner, at most one per entry, and one in the feed) and a hold's.
      items: 1 + entries.length + (keyRef ? 1 : 0) + (reversal ? 1 : 0) + (hold ? 4 : 0)
        + (entries.length > 0 ? eventItemCount(entries.length) : 0) + (hold ? eventItemCount(2) : 0),
    };
  },
  run: (batch) => withSignal(earliestDeadline(batch), () => postTransfers(batch)),
  busyError: () => new LedgerBusyError(),
  itemsMax: 100,
  waitingMax: 2000,
  budgetMs: retryPolicy.budgetMs,
});

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
    const reads = await readForWrite(live.flatMap(({ request }) => shardsOf(request)), unread.map((queued) => queued.request.keyRef!));
    for (const queued of unread) keysRead.add(queued);
    for (const account of reads.accounts.values()) learn(account);
    // An account read here for the first time was read on shard 0; a hot one is written on a shard of this process's
    // own, read now, so that instances new to a hot account do not all meet on its shard 0.
    const legs = new Map(live.map((queued) => [queued, {
      entries: legsOf(entriesOf(queued.request.movement)), hold: holdShards(queued.request),
    }] as const));
    const unreadShards = [...legs.values()].flatMap(({ entries, hold }) => [...entries, ...hold])
      .filter(({ accountId, shard }) => !reads.accounts.has(shardName(accountId, shard)));
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
        const transaction = plan.transaction && transactionView(queued.request.caller, plan.transaction);
        queued.resolve({ transaction, hold: plan.hold?.record ?? null, replayed: false });
      }
      return;
    }
    if (outcome.status === 'hold_changed') {
      // Another step resolved these holds since they were read, or they expired: refused as a fresh read shows them.
      const changed = new Set(outcome.holdIds);
      await Promise.all(planned.filter(({ plan }) => plan.hold && changed.has(plan.hold.record.id)).map(({ queued, plan }) => settle(queued, async () => {
        const refusal = await holdRefusal(plan.hold!.record.id);
        if (queued.request.keyRef) return settleRefusal(queued.request.caller, queued.request.keyRef, queued.request.requestHash, refusal);
        throw refusal;
      })));
      live = live.filter((queued) => !queued.settled);
      continue;
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
async function settle(queued: QueuedTransfer, fn: () => Promise<Replayed>): Promise<void> {
  try {
    queued.resolve(await fn());
  } catch (error) {
    queued.reject(error);
  }
}

/** Settles a movement whose key another request took first, with that request's outcome, if it is there. */
async function replayWinner(queued: QueuedTransfer): Promise<void> {
  const { caller, keyRef, requestHash } = queued.request;
  const winner = await findIdempotencyRecord(keyRef!);
  if (!winner) return;
  await settle(queued, async () => replay(caller, winner, requestHash));
}

/** The shards a request reads: those its entries post to, and those a step of a hold writes. */
function shardsOf(request: MovementRequest): ShardRef[] {
  return [...legsOf(entriesOf(request.movement)), ...holdShards(request)];
}
