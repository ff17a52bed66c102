import type { Role } from '../identity/model';
import type { CurrencyCode } from './currencies';

/**
 * The ledger's records. The domain builds them and checks every rule on them; storage maps its items to and from
 * them and never decides anything about money. The API shows them through the views in `lib/ledger/schemas.ts`.
 */

/** `user` accounts never go below 0; `system` accounts stand for money outside the platform and may. */
export type AccountType = 'user' | 'system';

/** An account: one currency, its balance, and `seq`, the number of entries posted to it (its last entry's number). */
export interface AccountRecord {
  id: string;
  ownerId: string;
  type: AccountType;
  currency: CurrencyCode;
  name: string | null;
  balance: number;
  seq: number;
  createdAt: string;
  updatedAt: string;
}

/**
 * Who moved the money, kept on every transaction for the audit trail: the caller as its token proved it, and the
 * request as API Gateway saw it (`null` for a transfer made by a script, outside any request).
 */
export interface Initiator {
  userId: string;
  role: Role;
  requestId: string | null;
  sourceIp: string | null;
}

/** One leg of a transaction: the account it moves, which way, by how much, and the balance it leaves. */
export interface EntryRecord {
  accountId: string;
  direction: 'debit' | 'credit';
  amount: number;
  balanceAfter: number;
}

/** A posted transfer with its two entries, and the owners of both sides, so a read is authorized without more I/O. */
export interface TransactionRecord {
  id: string;
  status: 'posted';
  amount: number;
  currency: CurrencyCode;
  fromAccountId: string;
  toAccountId: string;
  description: string | null;
  createdAt: string;
  entries: EntryRecord[];
  fromOwnerId: string;
  toOwnerId: string;
  /** `null` on transactions posted before the audit trail was kept. */
  initiatedBy: Initiator | null;
}

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
} & ({ outcome: 'posted'; transaction: TransactionRecord } | { outcome: 'refused'; refusal: Refusal });

/**
 * Everything one transfer writes. `from` and `to` are the accounts just before it: as read for the first transfer of
 * a batch that touches them, then as the batch's earlier transfers leave them.
 */
export interface TransferPlan {
  transaction: TransactionRecord;
  from: AccountRecord;
  to: AccountRecord;
  idempotency?: { ref: KeyRef; record: IdempotencyRecord };
}

/** One account's part in a ledger write: its state as read, and what the write's entries add up to on it. */
export interface AccountChange {
  read: AccountRecord;
  deltaMinor: number;
  entries: number;
}

/** One `TransactWriteItems`: each account's change once, then each transfer's transaction, entries and key. */
export interface LedgerWrite {
  accounts: AccountChange[];
  transfers: TransferPlan[];
}

/**
 * How a ledger write ended. `stale`: an account changed since it was read (re-read and re-plan). `key_taken`: another
 * request posted first under these keys. `busy`: DynamoDB asked us to back off.
 */
export type WriteOutcome =
  | { status: 'posted' | 'stale' | 'busy' }
  | { status: 'key_taken'; keys: KeyRef[] };

/** A stable name for a caller's key, unique across callers (caller ids hold no NUL). */
export function keyName(ref: KeyRef): string {
  return `${ref.callerId}\u0000${ref.key}`;
}
