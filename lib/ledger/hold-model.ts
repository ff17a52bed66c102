import type { CurrencyCode } from './currencies';
import type { Initiator, Metadata } from './provenance';

/*
 * Holds: funds reserved out of an account (`pending` on one of its balance shards), then captured (in full or part, as a
 * transaction), voided, or expired. The hold's own item is the guard of every step that resolves it and the audit
 * record of what happened to it; nothing deletes it.
 */

/** `pending` until it is resolved, once: `captured`, `voided` (by its creator or an admin) or `expired` (by the sweep). */
export const holdStatuses = ['pending', 'captured', 'voided', 'expired'] as const;
export type HoldStatus = (typeof holdStatuses)[number];

/** How long a hold lives when the request does not say: 7 days. */
export const holdLifetimeDefaultSeconds = 604_800;
/** The longest a hold may live: 30 days. */
export const holdLifetimeMaxSeconds = 2_592_000;

/**
 * A hold as stored. `ownerIds` name the owners of its two accounts, so that a read can tell who may see it without
 * reading the accounts. `transactionId` names the capture's transaction; `resolvedAt` when it stopped being pending.
 */
export interface HoldRecord {
  id: string;
  status: HoldStatus;
  fromAccountId: string;
  toAccountId: string;
  fromOwnerId: string;
  toOwnerId: string;
  amount: number;
  capturedAmount: number;
  currency: CurrencyCode;
  description: string | null;
  metadata: Metadata;
  createdAt: string;
  expiresAt: string;
  resolvedAt: string | null;
  transactionId: string | null;
  /**
   * The shard of the source whose `pending` holds the reservation: shard 0 of a user account, where its floor is; any
   * shard of a hot system account (the one the placing process writes, as it does its debits), which has no floor to
   * keep, so that holds out of it spread over its shards as its debits do.
   */
  reservedShard: number;
  /** Who placed the hold: the caller who may capture or void it (or an admin). */
  createdBy: Initiator;
}

/**
 * What a ledger write does with a hold: places it (`expect: 'absent'`: the item is new), or resolves it
 * (`expect: 'pending'`: on condition that it is still pending and, for a capture or void, not yet expired at `at`, or,
 * for an expiry, expired at `at`). `record` is the hold as the write leaves it.
 */
export interface HoldWrite {
  record: HoldRecord;
  expect: 'absent' | 'pending';
  at: string;
  /**
   * Names the write, kept on the hold's item: a write whose answer was lost is known to have committed when the item
   * carries it (a step that posts a transaction is known by that instead).
   */
  writeId: string;
}

/**
 * A step of a hold, as the posting engine takes it. `place` reserves the hold's amount on a shard of the source (the
 * engine gives the hold its time, its expiry `lifetimeSeconds` later, its creator and its shard);
 * `capture` releases it and posts the transfer of `amount` (the movement of the request); `release` releases it
 * (`voided` or `expired`).
 */
export type HoldStep =
  | { kind: 'place'; hold: Omit<HoldRecord, 'createdAt' | 'expiresAt' | 'createdBy' | 'reservedShard'>; lifetimeSeconds: number }
  | { kind: 'capture'; hold: HoldRecord; amount: number }
  | { kind: 'release'; hold: HoldRecord; status: 'voided' | 'expired' };

/** Whether a hold has passed its expiry at `atMs`: from `expiresAt` on, it can never be captured. */
export function holdExpired(hold: Pick<HoldRecord, 'expiresAt'>, atMs: number): boolean {
  return Date.parse(hold.expiresAt) <= atMs;
}
