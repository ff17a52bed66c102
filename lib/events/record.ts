import { createHash, randomUUID } from 'node:crypto';
import type { HoldRecord, HoldWrite } from '../ledger/hold-model';
import type { AccountRecord, TransactionRecord } from '../ledger/model';
import type { EventRecord, EventType, TouchedAccount } from './model';

/*
 * The events of the ledger's changes, built with the change's own records, to be written in its
 * `TransactWriteItems` (lib/storage/events.ts).
 */

/**
 * The id of the event of a ledger change, from the change's own id, so that a write rebuilt for the same change (the
 * same `ClientRequestToken`) carries the same event: a UUID's form over the first 128 bits of a SHA-256.
 */
function eventIdOf(source: string): string {
  const hex = createHash('sha256').update(source).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The owners of the touched accounts, each once, in the order first touched. */
function ownersOf(accounts: readonly TouchedAccount[]): string[] {
  return [...new Set(accounts.map(({ ownerId }) => ownerId))];
}

/**
 * A posted transaction's event: `transaction.reversed` for a reversal, `transaction.posted` for any other (a sweep,
 * bookkeeping that no client is shown, has none). `seqs` are its entries' numbers on the shards they posted to.
 */
export function transactionEvent(transaction: TransactionRecord, seqs: readonly number[]): EventRecord {
  const accounts = transaction.entries.map((entry, index) => ({
    accountId: entry.accountId, ownerId: entry.ownerId, shard: entry.shard, seq: seqs[index]!,
  }));
  const type: EventType = transaction.kind === 'reversal' ? 'transaction.reversed' : 'transaction.posted';
  return {
    id: eventIdOf(`transaction:${transaction.id}`), type, createdAt: transaction.createdAt, subject: { kind: 'transaction', transaction }, accounts,
    ownerIds: ownersOf(accounts),
  };
}

/** A hold's event, as a step (named by its write's id) leaves it: placed, captured, voided or expired. */
export function holdEvent(hold: HoldRecord, at: string, writeId: string): EventRecord {
  const type: EventType = hold.status === 'pending' ? 'hold.created' : `hold.${hold.status}`;
  const accounts = [
    { accountId: hold.fromAccountId, ownerId: hold.fromOwnerId, shard: null, seq: null },
    { accountId: hold.toAccountId, ownerId: hold.toOwnerId, shard: null, seq: null },
  ];
  return { id: eventIdOf(`hold:${writeId}`), type, createdAt: at, subject: { kind: 'hold', hold }, accounts, ownerIds: ownersOf(accounts) };
}

/** An account's event, opened or changed (status, name or metadata), with the account as the change leaves it. */
export function accountEvent(type: 'account.created' | 'account.updated', account: AccountRecord, at: string): EventRecord {
  const { seq: _seq, shard: _shard, balance: _balance, pending: _pending, ...fields } = account;
  const accounts = [{ accountId: account.id, ownerId: account.ownerId, shard: null, seq: null }];
  return { id: randomUUID(), type, createdAt: at, subject: { kind: 'account', account: fields }, accounts, ownerIds: [account.ownerId] };
}

/**
 * The events of one plan of a ledger write: its transaction's (a sweep has none) and its hold's. `legs` are the
 * shards its entries post to, as they stand before it, so each entry's number is one more than its leg's `seq`.
 */
export function eventsOfPlan(
  transaction: TransactionRecord | null,
  legs: ReadonlyArray<Pick<AccountRecord, 'seq'>>,
  hold: HoldWrite | undefined,
): EventRecord[] {
  const events: EventRecord[] = [];
  if (transaction && transaction.kind !== 'sweep') events.push(transactionEvent(transaction, legs.map((leg) => leg.seq + 1)));
  if (hold) events.push(holdEvent(hold.record, hold.at, hold.writeId));
  return events;
}
