import { createHash, randomUUID } from 'node:crypto';
import {
  assert, BalanceLimitExceededError, CurrencyMismatchError, ForbiddenError, IdempotencyKeyReusedError, InsufficientFundsError,
  LedgerBusyError, SameAccountError,
} from '../errors';
import type { Caller } from '../identity/model';
import type { AccountRecord, TransactionRecord } from '../storage/ledger-store';
import {
  findIdempotencyRecord, keyRefName, readForTransfers, type IdempotencyRecord, type KeyRef, type TransferReads,
} from '../storage/posting-reads';
import { postTransfers, type PostingPlan } from '../storage/posting-store';
import { config } from '../config';
import { accountNotFound, canSee } from './access';
import { backoff, retryPolicy } from './backoff';
import { GroupCommit, type Member } from './group-commit';
import { amountMinorMax, type TransactionView, type TransferBody } from './schemas';
import { toTransactionView } from './transactions';

/** What a transfer answers: the transaction, and whether it is a replay of an earlier request with the same key. */
export interface TransferResult {
  transaction: TransactionView;
  replayed: boolean;
}

/** A transfer as queued: who asks, what, the caller's idempotency key if any, and the hash that key binds. */
interface TransferRequest {
  caller: Caller;
  input: TransferBody;
  requestHash: string;
  keyRef?: KeyRef;
}

type Pending = Member<TransferRequest, TransferResult>;

/**
 * Transfers in this process that touch a common account are written together, one `TransactWriteItems` per batch
 * (at most 100 items: one per account, and three or four per transfer). Requests under the same idempotency key never
 * share a batch, so the second one finds the first one's record and replays it.
 */
const transfers = new GroupCommit<TransferRequest, TransferResult>({
  claimOf: ({ input, keyRef }) => ({
    shared: [input.fromAccountId, input.toAccountId],
    exclusive: keyRef ? [keyRefName(keyRef)] : [],
    items: keyRef ? 4 : 3,
  }),
  run: postBatch,
  busyError: ledgerBusy,
  itemsMax: 100,
  waitingMax: 2000,
  budgetMs: retryPolicy.budgetMs,
});

/**
 * Moves `amount` from one account to another as one balanced double entry. With an idempotency key (scoped to the
 * caller) a repeated request replays the first answer instead of posting again; a rejected transfer binds no key.
 * Transfers on one account serialize on its sequence number: each attempt reads the accounts, checks every rule, and
 * writes only if no account changed in between. Within this process they also queue, so that a busy account takes
 * a batch of transfers per write instead of losing most writes to each other.
 */
export async function transfer(caller: Caller, input: TransferBody, idempotencyKey?: string): Promise<TransferResult> {
  if (input.fromAccountId === input.toAccountId) {
    throw new SameAccountError();
  }
  const keyRef = idempotencyKey === undefined ? undefined : { callerId: caller.userId, key: idempotencyKey };
  return transfers.submit({ caller, input, requestHash: hashRequest(input), keyRef });
}

/**
 * Posts a batch: read every account (and, the first time, every key), replay what was already posted, plan the rest
 * in arrival order against the accounts as the earlier ones leave them, and write them all at once. A transfer that
 * breaks a rule is refused alone; the write is retried, re-read and re-planned, while an account keeps moving under
 * it (another process), within bounded attempts and each request's deadline.
 */
async function postBatch(batch: readonly Pending[]): Promise<void> {
  let live = [...batch];
  const keysRead = new Set<Pending>();
  for (let attempt = 0; live.length > 0; attempt += 1) {
    live = live.filter((member) => {
      if (member.settled) return false;
      if (attempt < retryPolicy.attemptsMax && Date.now() < member.deadlineMs) return true;
      member.reject(ledgerBusy());
      return false;
    });
    if (live.length === 0) return;
    // A retry after a stale write needs only the accounts: a winner under a key shows up as `idempotency_taken`.
    const unread = live.filter((member) => member.request.keyRef && !keysRead.has(member));
    const reads = await readForTransfers(live.flatMap(({ request: { input } }) => [input.fromAccountId, input.toAccountId]),
      unread.map((member) => member.request.keyRef!));
    for (const member of unread) keysRead.add(member);
    const planned = planBatch(live, reads);
    live = planned.map(({ member }) => member);
    if (planned.length === 0) return;
    const outcome = await postTransfers(planned.map(({ plan }) => plan));
    if (outcome.status === 'posted') {
      for (const { member, plan } of planned) member.resolve({ transaction: toTransactionView(plan.transaction), replayed: false });
      return;
    }
    if (outcome.status === 'idempotency_taken') {
      for (const index of outcome.plans) await replayWinner(planned[index]!.member);
      continue;
    }
    await backoff(attempt);
  }
}

/**
 * Plans each member in order against the accounts as read, advancing them as each plan would leave them. A member
 * whose key already has an answer, or that breaks a rule, is settled here and left out.
 */
function planBatch(members: readonly Pending[], reads: TransferReads): Array<{ member: Pending; plan: PostingPlan }> {
  const accounts = new Map(reads.accounts);
  const planned: Array<{ member: Pending; plan: PostingPlan }> = [];
  for (const member of members) {
    const { caller, input, keyRef, requestHash } = member.request;
    try {
      const earlier = keyRef && reads.records.get(keyRefName(keyRef));
      if (earlier) {
        member.resolve(replay(earlier, requestHash));
        continue;
      }
      const plan = planTransfer(caller, input, accounts.get(input.fromAccountId), accounts.get(input.toAccountId));
      const idempotency = keyRef && { ...keyRef, record: idempotencyRecord(plan.transaction, requestHash) };
      planned.push({ member, plan: { ...plan, idempotency } });
      accounts.set(plan.from.id, { ...plan.from, balance: plan.transaction.entries[0]!.balanceAfter, seq: plan.from.seq + 1 });
      accounts.set(plan.to.id, { ...plan.to, balance: plan.transaction.entries[1]!.balanceAfter, seq: plan.to.seq + 1 });
    } catch (error) {
      member.reject(error);
    }
  }
  return planned;
}

/** Settles a member whose key another request posted under first, with that request's answer, if it is there. */
async function replayWinner(member: Pending): Promise<void> {
  const winner = await findIdempotencyRecord(member.request.keyRef!);
  if (!winner) return;
  try {
    member.resolve(replay(winner, member.request.requestHash));
  } catch (error) {
    member.reject(error);
  }
}

/**
 * Checks every rule against the accounts as read and builds the write. Nothing here touches storage; the write's
 * conditions make sure these reads are still current when it commits.
 */
function planTransfer(
  caller: Caller,
  input: TransferBody,
  from: AccountRecord | undefined,
  to: AccountRecord | undefined,
): Omit<PostingPlan, 'idempotency'> {
  if (!from || !canSee(caller, from)) throw accountNotFound();
  if (!to) throw accountNotFound();
  if (from.type === 'system' && caller.role !== 'admin') {
    throw new ForbiddenError('Only admins move money out of system accounts.');
  }
  if (from.currency !== input.currency || to.currency !== input.currency) {
    throw new CurrencyMismatchError(input.currency);
  }
  const fromAfter = from.balance - input.amount;
  const toAfter = to.balance + input.amount;
  if (from.type === 'user' && fromAfter < 0) {
    throw new InsufficientFundsError();
  }
  if (toAfter > amountMinorMax || fromAfter < -amountMinorMax) {
    throw new BalanceLimitExceededError();
  }
  const transaction: TransactionRecord = {
    id: randomUUID(),
    status: 'posted',
    amount: input.amount,
    currency: input.currency,
    fromAccountId: from.id,
    toAccountId: to.id,
    description: input.description ?? null,
    createdAt: new Date().toISOString(),
    entries: [
      { accountId: from.id, direction: 'debit', amount: input.amount, balanceAfter: fromAfter },
      { accountId: to.id, direction: 'credit', amount: input.amount, balanceAfter: toAfter },
    ],
    fromOwnerId: from.ownerId,
    toOwnerId: to.ownerId,
  };
  assertBalanced(transaction);
  return { transaction, from, to };
}

/** Debits equal credits, and each entry moves its account by exactly the amount. A failure here is a bug. */
function assertBalanced(txn: TransactionRecord): void {
  const debits = txn.entries.filter((e) => e.direction === 'debit').reduce((sum, e) => sum + e.amount, 0);
  const credits = txn.entries.filter((e) => e.direction === 'credit').reduce((sum, e) => sum + e.amount, 0);
  assert(debits === credits && debits === txn.amount, 'a transfer debits exactly what it credits');
  assert(Number.isSafeInteger(txn.amount) && txn.amount > 0, 'a transfer moves a positive integer amount');
}

function idempotencyRecord(txn: TransactionRecord, requestHash: string): IdempotencyRecord {
  return {
    requestHash,
    transactionId: txn.id,
    status: 201,
    response: JSON.stringify(toTransactionView(txn)),
    expiresAt: Math.floor(Date.parse(txn.createdAt) / 1000) + config.idempotencyTtlSeconds,
  };
}

/** What a transfer answers when the accounts stay busy past its bounded attempts or its deadline. */
function ledgerBusy(): LedgerBusyError {
  return new LedgerBusyError();
}

/** Replays the answer bound to a key, or refuses a different request under the same key. */
function replay(record: IdempotencyRecord, requestHash: string): TransferResult {
  if (record.requestHash !== requestHash) {
    throw new IdempotencyKeyReusedError();
  }
  return { transaction: JSON.parse(record.response) as TransactionView, replayed: true };
}

/** A hash of the request's meaning: the same fields in any key order hash alike. */
function hashRequest(input: TransferBody): string {
  const canonical = JSON.stringify([
    input.fromAccountId, input.toAccountId, input.amount, input.currency, input.description ?? null,
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}
