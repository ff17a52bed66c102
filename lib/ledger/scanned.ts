/*
 * The ledger's items as the reconciler sees them: read raw, so that a field that is missing or malformed reads as
 * `undefined` instead of failing the read, and every amount is a `bigint`, so sums of many balances stay exact.
 * `lib/storage/ledger-scan.ts` reads them; `lib/ledger/reconcile.ts` checks them.
 */

/**
 * A balance shard as the reconciler sees it (an account item is its account's shard 0, and says how many shards the
 * account has); a field that is missing or malformed reads as `undefined`. `id` and `shard` come from the item's key.
 */
export interface ScannedAccount {
  entity: 'account';
  key: string;
  id: string;
  shard: number;
  shards: bigint | undefined;
  type: string | undefined;
  currency: string | undefined;
  balance: bigint | undefined;
  /** What holds reserve (0 on an item written before there were holds). */
  pending: bigint | undefined;
  seq: bigint | undefined;
  /** `active` for an item written before there were statuses; `undefined` for one that is not a string. */
  status: string | undefined;
  updatedAt: string | undefined;
}

/** One line of a shard's history. `accountId`, `shard` and `seq` come from the item's key, which is what reads use. */
export interface ScannedEntry {
  entity: 'entry';
  key: string;
  accountId: string;
  shard: number;
  seq: bigint | undefined;
  transactionId: string | undefined;
  direction: string | undefined;
  amount: bigint | undefined;
  balanceAfter: bigint | undefined;
  currency: string | undefined;
  createdAt: string | undefined;
}

/** A transaction record with the entries embedded in it, and what its reversals reversed. */
export interface ScannedTransaction {
  entity: 'transaction';
  key: string;
  id: string;
  kind: string;
  amount: bigint | undefined;
  /** Each entry's shard: `null` on an account of one shard, which is its shard 0. */
  entries: Array<{
    accountId: string | undefined;
    direction: string | undefined;
    amount: bigint | undefined;
    currency: string | undefined;
    shard: number | null | undefined;
  }>;
  /** The transaction a reversal reverses. */
  reverses: string | undefined;
  reversedAmount: bigint | undefined;
  reversalIds: string[];
  /** The hold a capture captured. */
  holdId: string | undefined;
  createdAt: string | undefined;
}

/** A hold's item, or (`copy`) its copy in one of its accounts' lists. */
export interface ScannedHold {
  entity: 'hold';
  key: string;
  copy: boolean;
  id: string | undefined;
  status: string | undefined;
  fromAccountId: string | undefined;
  toAccountId: string | undefined;
  amount: bigint | undefined;
  capturedAmount: bigint | undefined;
  transactionId: string | undefined;
  /** The source's shard that holds its reservation. */
  reservedShard: number;
}

/** An event's item, or (`copy`) its copy in a list; `transactionId` names the transaction it is about, if any. */
export interface ScannedEvent {
  entity: 'event';
  key: string;
  copy: boolean;
  id: string;
  type: string | undefined;
  transactionId: string | undefined;
  owners: number;
  /** Past its retention: DynamoDB's TTL deletes the event and its copies, each in its own time. */
  expired: boolean;
}

/** An idempotency record: its outcome, and the transaction its key is bound to when that posted. */
export interface ScannedIdempotency {
  entity: 'idempotency';
  key: string;
  outcome: string | undefined;
  transactionId: string | undefined;
}

/** Anything else: users, email claims, and items whose `entity` is missing or unknown. */
export interface ScannedOther {
  entity: 'other';
  key: string;
  kind: string | undefined;
}

export type ScannedItem = ScannedAccount | ScannedEntry | ScannedTransaction | ScannedIdempotency | ScannedHold | ScannedEvent | ScannedOther;
