import { randomUUID } from 'node:crypto';
import { config } from '../config';
import { deadlinePassed, deadlineSignal, withSignal } from '../request-context';
import { type AppError, BalanceLimitExceededError, InsufficientFundsError, LedgerBusyError, SameAccountError } from '../errors';
import type { Caller } from '../identity/model';
import { bindRefusal, findIdempotencyRecord } from '../storage/idempotency';
import { readShards } from '../storage/accounts';
import { readForWrite, writeTransfers, type LedgerReads } from '../storage/ledger-write';
import { backoff, retryPolicy } from './backoff';
import { GroupCommit, type Queued } from './group-commit';
import { mintedAt } from './instants';
import {
  keyName, shardName, type AccountRecord, type IdempotencyRecord, type Initiator, type KeyRef, type ShardRef,
  type TransferPlan,
} from './model';
import {
  accountsAfter, bindsKey, hashRequest, ledgerWrite, planSweep, planTransfer, postedRecord, refusedRecord, replay,
  transactionView,
} from './rules';
import type { TransactionView, TransferBody } from './schemas';
import { leaveShard, learn, legsOf, shardsToLeave } from './shard-routing';

/**
 * What a transfer answers: the transaction as the caller may see it, and whether it replays an earlier request with
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

/** A transfer made outside any request (a script, a test). */
const noOrigin: Origin = { requestId: null, sourceIp: null };

/** A transfer as queued: who asks, what, the caller's idempotency key if any, and the hash that key binds. */
interface TransferRequest {
  caller: Caller;
  initiatedBy: Initiator;
  input: TransferBody;
  requestHash: string;
  keyRef?: KeyRef;
  /** The request's deadline (`lib/request-context.ts`), which its batch's calls to DynamoDB honour. */
  deadline?: AbortSignal;
}

/**
 * Moves `amount` from one account to another as one balanced double entry. With an idempotency key (scoped to the
 * caller) a repeated request replays the first outcome instead of trying again: the posted transfer, or the refusal by
 * the ledger's rules (every 422). The HTTP route requires a key; scripts and tests may go without.
 *
 * The path of one transfer: `postTransfers` reads both accounts (and the key), `planTransfer` checks every rule
 * against them, `writeTransfers` writes the balances, the transaction, its entries and the key in one
 * `TransactWriteItems` that commits only if no account changed since the read; a write that loses that race is
 * re-read, re-planned and retried within bounds.
 */
export async function transfer(
  caller: Caller,
  input: TransferBody,
  idempotencyKey?: string,
  origin: Origin = noOrigin,
): Promise<TransferResult> {
  const keyRef = idempotencyKey === undefined ? undefined : { callerId: caller.userId, key: idempotencyKey };
  const requestHash = hashRequest(input);
  if (input.fromAccountId === input.toAccountId) {
    // Refused before any account is read; under a key, the refusal binds it like any other.
    const refusal = new SameAccountError();
    if (!keyRef) throw refusal;
    const earlier = await findIdempotencyRecord(keyRef);
    if (earlier) return { transaction: replay(caller, earlier, requestHash), replayed: true };
    return settleRefusal(caller, keyRef, requestHash, refusal);
  }
  const initiatedBy: Initiator = { userId: caller.userId, role: caller.role, ...origin };
  return queue.submit({ caller, initiatedBy, input, requestHash, keyRef, deadline: deadlineSignal() });
}

/**
 * Binds a refusal to its key and throws it; if another request under the key got there first, replays that one's
 * outcome instead. A key whose record cannot be read back is busy: nothing was written for this request.
 */
async function settleRefusal(caller: Caller, keyRef: KeyRef, requestHash: string, refusal: AppError): Promise<TransferResult> {
  const now = new Date().toISOString();
  if (await bindRefusal(keyRef, refusedRecord(refusal, requestHash, now, config.idempotencyTtlSeconds), now)) throw refusal;
  const winner = await findIdempotencyRecord(keyRef);
  if (!winner) throw new LedgerBusyError();
  return { transaction: replay(caller, winner, requestHash), replayed: true };
}

/**
 * Group commit. In Lambda a process serves one request at a time, so the queue runs each transfer at once as a batch
 * of one. In a long-lived process, transfers that touch a common account while a write on it is in flight wait, and
 * then go out together as one write of at most 100 items (one per account, three or four per transfer), so a busy
 * account takes a batch per write instead of losing most writes to each other. Requests under one idempotency key
 * never share a batch, so the second one finds the first one's record and replays it.
 */
const queue = new GroupCommit<TransferRequest, TransferResult>({
  claimOf: ({ input, keyRef }) => ({
    shared: [input.fromAccountId, input.toAccountId],
    exclusive: keyRef ? [keyName(keyRef)] : [],
    items: keyRef ? 4 : 3,
  }),
  run: (batch) => withSignal(earliestDeadline(batch), () => postTransfers(batch)),
  busyError: () => new LedgerBusyError(),
  itemsMax: 100,
  waitingMax: 2000,
  budgetMs: retryPolicy.budgetMs,
});

type QueuedTransfer = Queued<TransferRequest, TransferResult>;

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
    const reads = await readForWrite(live.flatMap(({ request }) => legsOf(request.input)), unread.map((queued) => queued.request.keyRef!));
    for (const queued of unread) keysRead.add(queued);
    for (const account of reads.accounts.values()) learn(account);
    // An account read here for the first time was read on shard 0; a hot one is written on a shard of this process's
    // own, read now, so that instances new to a hot account do not all meet on its shard 0.
    const legs = new Map(live.map((queued) => [queued, legsOf(queued.request.input)] as const));
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
async function sweepFor({ queued, from }: Short): Promise<boolean> {
  const { input, initiatedBy, keyRef } = queued.request;
  const shards = await readShards(from);
  const swept = planSweep(shards, input.amount, { id: randomUUID(), createdAt: mintedAt(shards), initiatedBy });
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

/** A hot user account's debit that shard 0 cannot cover as read: a sweep may. */
interface Short {
  queued: QueuedTransfer;
  from: AccountRecord;
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
    const { caller, initiatedBy, input, keyRef, requestHash } = queued.request;
    const [from, to] = legs.get(queued)!.map(({ accountId, shard }) => accounts.get(shardName(accountId, shard)));
    try {
      const earlier = keyRef && reads.records.get(keyName(keyRef));
      if (earlier) {
        queued.resolve({ transaction: replay(caller, earlier, requestHash), replayed: true });
        continue;
      }
      const minted = { id: randomUUID(), createdAt: mintedAt([from, to]), initiatedBy };
      const plan = planTransfer(caller, input, from, to, minted);
      const record: IdempotencyRecord | undefined = keyRef && postedRecord(plan.transaction, requestHash, config.idempotencyTtlSeconds);
      planned.push({ queued, plan: { ...plan, idempotency: keyRef && record ? { ref: keyRef, record } : undefined } });
      for (const account of accountsAfter(plan)) accounts.set(shardName(account.id, account.shard), account);
    } catch (error) {
      if (error instanceof InsufficientFundsError && from && from.shards > 1) short.push({ queued, from });
      else if (keyRef && bindsKey(error)) refused.push({ queued, error });
      else queued.reject(error);
    }
  }
  return { planned, refused, short };
}

/** Settles a transfer whose key another request took first, with that request's outcome, if it is there. */
async function replayWinner(queued: QueuedTransfer): Promise<void> {
  const { caller, keyRef, requestHash } = queued.request;
  const winner = await findIdempotencyRecord(keyRef!);
  if (!winner) return;
  await settle(queued, async () => ({ transaction: replay(caller, winner, requestHash), replayed: true }));
}
