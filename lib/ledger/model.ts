import type { CurrencyCode } from './currencies';
import type { HoldRecord, HoldWrite } from './hold-model';
import type { Initiator, Metadata } from './provenance';

export type { Initiator, Metadata } from './provenance';

/**
 * The ledger's records. The domain builds them and checks every rule on them; storage maps its items to and from
 * them and never decides anything about money. The API shows them through the views in `lib/ledger/schemas.ts`.
 */

/** `user` accounts never go below 0; `system` accounts stand for money outside the platform and may. */
export type AccountType = 'user' | 'system';

/**
 * Whether an account moves money: `active` takes debits and credits, `frozen` (by an admin) takes credits only,
 * `closed` (at balance 0, for good) takes neither. Every balance shard carries the status, so that each ledger write
 * can be conditioned on the status of the shards it writes (`lib/ledger/status.ts`).
 */
export const accountStatuses = ['active', 'frozen', 'closed'] as const;
export type AccountStatus = (typeof accountStatuses)[number];

/**
 * An account as seen through one of its balance shards. Every account has shard 0, its own item, which holds its
 * metadata. A hot account has `shards` of them (up to `shardsMax`): each holds part of the balance and numbers its own
 * entries, so writes from many instances at once land on different items instead of queueing on one. `balance` and
 * `seq` are the shard's: the shard's part of the balance and the number of entries posted to that shard. For an
 * account of one shard they are the account's.
 */
export interface AccountRecord {
  id: string;
  ownerId: string;
  type: AccountType;
  currency: CurrencyCode;
  name: string | null;
  /** The same on every shard of the account: a status change writes all of them in one transaction. */
  status: AccountStatus;
  /** Kept on shard 0 only, with `name`: other shards read as `{}` and `null`. */
  metadata: Metadata;
  shards: number;
  shard: number;
  balance: number;
  /**
   * What pending holds reserve on this shard (lib/ledger/hold-model.ts): a user account's are all on shard 0, where
   * its floor is, so that its `balance − pending` never goes below 0 there; a hot system account's are spread over the
   * shards its holds were placed on. The account's `pending` is the sum over its shards.
   */
  pending: number;
  seq: number;
  createdAt: string;
  /**
   * When the shard was last written: never before its last entry's `createdAt`, since new entries are minted from it
   * (`mintedAt` in ./instants.ts) and must not go back in time. A write that sets it without posting an entry (a
   * status or name change) must not move it back either; `npm run reconcile` checks it.
   */
  updatedAt: string;
}

/**
 * The most balance shards an account may have: a read of all of them is one `BatchGetItem` (at most 100 keys), and
 * twice as many shards as instances writing at once lets each instance keep a shard of its own.
 */
export const shardsMax = 64;

/** The most shards one sweep empties: with their entries, shard 0's and the transaction, 83 of a write's 100 items. */
export const sweepShardsMax = 40;

/** Names one balance item: an account's shard. */
export function shardName(accountId: string, shard: number): string {
  return `${accountId}#${shard}`;
}

/**
 * One leg of a transaction: the account it moves, which way, by how much and in its currency, the balance it leaves,
 * and the account's owner (so a read shows balances only to those who may see them, with no more I/O). On an account
 * of several shards, `shard` names the shard it posted to and `balanceAfter` is that shard's balance after it (the
 * account's balance after one entry is not defined while entries land on its shards at once); `shard` is `null` on an
 * account of one shard.
 */
export interface EntryRecord {
  accountId: string;
  direction: 'debit' | 'credit';
  amount: number;
  currency: CurrencyCode;
  balanceAfter: number;
  shard: number | null;
  ownerId: string;
}

/**
 * What a transaction is. A `transfer` moves money from one account to another (`POST /v1/transfers`); a
 * `transaction` is any balanced set of 2–20 entries (`POST /v1/transactions`); a `reversal` inverts (part of) an
 * earlier transfer or transaction; a `sweep` moves a hot user account's money from its other shards into shard 0,
 * which its debits draw on: it leaves the account's balance as it was, and no client is shown it. A `capture` moves
 * what a hold captured (`holdId`).
 */
export type TransactionKind = 'transfer' | 'transaction' | 'reversal' | 'capture' | 'sweep';

/**
 * A posted transaction with its entries. `amount` is the sum of its debits (across currencies: it is the measure its
 * reversals are bounded by, not a sum of money); `currency`, `fromAccountId` and `toAccountId` name the one currency
 * and the two accounts of a transaction of one debit and one credit, and are `null` on any other. `reversedAmount`
 * and `reversalIds` are kept on the transaction's own item as reversals post; the copies its entry items hold stay as
 * posted.
 */
export interface TransactionRecord {
  id: string;
  kind: TransactionKind;
  status: 'posted';
  amount: number;
  currency: CurrencyCode | null;
  fromAccountId: string | null;
  toAccountId: string | null;
  description: string | null;
  metadata: Metadata;
  createdAt: string;
  entries: EntryRecord[];
  /** The transaction a reversal reverses; `null` on every other kind. */
  reverses: string | null;
  /** The hold a capture captured; `null` on every other kind. */
  holdId: string | null;
  reversedAmount: number;
  reversalIds: string[];
  /** `null` on transactions posted before the audit trail was kept. */
  initiatedBy: Initiator | null;
}

/**
 * What a reversal's write also does to the transaction it reverses: adds `amount` to its `reversedAmount` and its id
 * to `reversalIds`, on condition that the sum stays within the original's `amount` and the list within
 * `reversalsMax`. The condition, not the read, is what keeps reversals from adding up to more than the original when
 * many are sent at once.
 */
export interface ReversalGuard {
  transactionId: string;
  originalAmount: number;
  amount: number;
}

/** The most reversals one transaction may have: its item lists them all, so the list is bounded. */
export const reversalsMax = 100;

/** A caller's idempotency key: keys are scoped to the caller who sent them. */
export interface KeyRef {
  callerId: string;
  key: string;
}

/** A refusal by the ledger's rules, as its problem answer shows it: what a key binds when its transfer was refused. */
export interface Refusal {
  status: number;
  code: string;
  detail: string;
}

/**
 * What a key is bound to: the hash of the request that used it first and the first outcome that reached the ledger's
 * rules, to replay. A posted transfer keeps its whole transaction, so a replay shows each caller what it may see.
 */
export type IdempotencyRecord = {
  requestHash: string;
  /** When the key is free again, in seconds since the epoch. */
  expiresAt: number;
} & (
  | { outcome: 'posted'; transaction: TransactionRecord }
  | { outcome: 'held'; hold: HoldRecord }
  | { outcome: 'refused'; refusal: Refusal }
);

/**
 * A change of what holds reserve on an account's shard 0: `account` is that shard as it stands just before the plan,
 * `delta` what the plan adds to its `pending` (a hold placed) or takes from it (captured, voided or expired).
 */
export interface PendingChange {
  account: AccountRecord;
  delta: number;
}

/**
 * Everything one transaction (or one step of a hold) writes. `legs` are the shards its entries post to, one per entry
 * and in the same order, as they stand just before it (and after its `pendingChanges`): as read for the first plan of
 * a batch that touches them, then as the batch's earlier plans leave them. A hold's placement or release posts no
 * transaction: `transaction` is then `null` and `hold` says what it writes.
 */
export interface TransferPlan {
  transaction: TransactionRecord | null;
  /** When the write happens: the transaction's `createdAt`, or the hold step's time. */
  at: string;
  legs: AccountRecord[];
  pendingChanges?: PendingChange[];
  idempotency?: { ref: KeyRef; record: IdempotencyRecord };
  reversal?: ReversalGuard;
  hold?: HoldWrite;
}

/**
 * One shard's part in a ledger write: its state as read, what the write's entries add up to on it, and how many of
 * them are sweeps into it (counted on shard 0, so that a read of every shard can tell that money moved between them).
 */
export interface AccountChange {
  read: AccountRecord;
  deltaMinor: number;
  entries: number;
  sweeps: number;
  /**
   * How many of the entries are debits (and holds placed): a shard that gives money must still be active when the
   * write commits.
   */
  debits: number;
  /** What the write adds to the shard's `pending` (negative when holds are released). */
  pendingDelta: number;
}

/** One `TransactWriteItems`: each shard's change once, then each transaction's item, entries and key. */
export interface LedgerWrite {
  accounts: AccountChange[];
  transfers: TransferPlan[];
}

/** A shard of an account, as a write names it. */
export interface ShardRef {
  accountId: string;
  shard: number;
}

/**
 * How a ledger write ended. `stale`: the shards named changed since they were read (re-read and re-plan).
 * `key_taken`: another request posted first under these keys. `over_reversed`: these transactions' reversals would
 * add up to more than them (or their list is full). `hold_changed`: these holds were resolved (or expired) since they
 * were read. `busy`: DynamoDB asked us to back off.
 */
export type WriteOutcome =
  | { status: 'posted' | 'busy' }
  | { status: 'stale'; shards: ShardRef[] }
  | { status: 'key_taken'; keys: KeyRef[] }
  | { status: 'over_reversed'; transactionIds: string[] }
  | { status: 'hold_changed'; holdIds: string[] };

/** A stable name for a caller's key, unique across callers (caller ids hold no NUL). */
export function keyName(ref: KeyRef): string {
  return `${ref.callerId}\u0000${ref.key}`;
}
