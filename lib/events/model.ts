import type { HoldRecord } from '../ledger/hold-model';
import type { TransactionRecord } from '../ledger/model';
import type { AccountView } from '../ledger/schemas';

/** How long events are kept, and listed (their items expire by the table's TTL: lib/storage/events.ts). */
export const eventRetentionDays = 30;

/*
 * The platform's events: one for every committed change of the ledger, written in the same `TransactWriteItems` as
 * the change (a transactional outbox), so a refused or failed change emits nothing and a committed one is never lost.
 * The API lists them (`GET /v1/events`) and webhooks deliver them, each rendered for the one who reads it
 * (./view.ts): a transaction's entries show balances only to their accounts' owners.
 */

export const eventTypes = [
  'account.created', 'account.updated', 'transaction.posted', 'transaction.reversed', 'hold.created', 'hold.captured',
  'hold.voided', 'hold.expired',
] as const;
export type EventType = (typeof eventTypes)[number];

/**
 * An account an event touches, with its place in that account's history: the shard its entry posted to and the
 * entry's sequence number there (a consumer orders an account's events by them, and sees a gap as a missed event);
 * `null` for a change that posts no entry (an account edited, a hold placed or released).
 */
export interface TouchedAccount {
  accountId: string;
  ownerId: string;
  shard: number | null;
  seq: number | null;
}

/**
 * What an event is about, as stored: the record itself, rendered for each reader by ./view.ts. An account's carries
 * no balance: balances move by transactions, whose events carry their entries.
 */
export type EventSubject =
  | { kind: 'account'; account: Omit<AccountView, 'balance' | 'pending' | 'available'> }
  | { kind: 'transaction'; transaction: TransactionRecord }
  | { kind: 'hold'; hold: HoldRecord };

/** An event as stored. `ownerIds` are the owners of the accounts it touches: who may read it besides admins. */
export interface EventRecord {
  id: string;
  type: EventType;
  createdAt: string;
  subject: EventSubject;
  accounts: TouchedAccount[];
  ownerIds: string[];
}
