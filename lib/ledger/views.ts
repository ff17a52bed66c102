import * as z from 'zod/mini';
import { roles } from '../identity/model';
import { accountType, amountMinor, currency, metadata } from './fields';
import { instant, issuedId } from '../view-fields';
import { holdStatuses } from './hold-model';
import { accountStatuses } from './model';

/*
 * The ledger's response schemas: what the API answers. The OpenAPI document describes the responses with them
 * (lib/openapi/responses.ts), and the view types the domain returns are inferred from them (./schemas.ts exports them
 * too); no handler parses its own answer.
 */

/** An account as the API shows it. */
export const accountView = z.object({
  id: issuedId,
  ownerId: issuedId,
  type: accountType,
  currency,
  name: z.nullable(z.string()),
  /** `active`; `frozen` (by an admin: credits only); `closed` (at balance 0, for good: no movements). */
  status: z.enum(accountStatuses),
  /** The client's own keys and values (at most 20); `{}` when none. */
  metadata: z.record(z.string(), z.string()),
  /** 1, or more for a hot account, whose balance is the sum of its shards. */
  shards: z.int(),
  /** Posted: the sum of the account's entries. */
  balance: z.int(),
  /** What pending holds reserve out of the account: not yet captured or released. */
  pending: z.int(),
  /** `balance − pending`: what the account may spend (a user account's never goes below 0). */
  available: z.int(),
  createdAt: instant,
  updatedAt: instant,
});
export type AccountView = z.infer<typeof accountView>;

/**
 * A balance, as of the strongly consistent read that returned it: `balance` posted, `pending` reserved by holds,
 * `available` = `balance − pending`. A past balance (`?at=`) is the posted one alone: what holds reserved then is
 * not kept, so `pending` and `available` are `null`.
 */
export const balanceView = z.object({
  accountId: issuedId, currency, balance: z.int(), pending: z.nullable(z.int()), available: z.nullable(z.int()), asOf: instant,
});
export type BalanceView = z.infer<typeof balanceView>;

/**
 * One leg of a transaction; `balanceAfter` is `null` on an account the caller may not see, and on a hot account (the
 * sum of its shards after one entry is not defined while entries land on them at once).
 */
export const entryView = z.object({
  accountId: issuedId,
  direction: z.enum(['debit', 'credit']),
  amount: amountMinor,
  currency,
  balanceAfter: z.nullable(z.int()),
});

/** Who moved the money (shown to admins only); `requestId` and `sourceIp` are API Gateway's. */
export const initiatorView = z.object({
  userId: issuedId,
  role: z.enum(roles),
  requestId: z.nullable(z.string()),
  sourceIp: z.nullable(z.string()),
});

/**
 * A posted transaction with its entries. `amount`, `currency`, `fromAccountId` and `toAccountId` describe a
 * transaction of one debit and one credit (every transfer) and are `null` on any other. `reversedAmount` is the sum of
 * the debits its reversals reversed (for one debit and one credit, an amount in its currency).
 */
export const transactionView = z.object({
  id: issuedId,
  type: z.enum(['transfer', 'transaction', 'reversal', 'capture']),
  status: z.literal('posted'),
  amount: z.nullable(amountMinor),
  currency: z.nullable(currency),
  fromAccountId: z.nullable(issuedId),
  toAccountId: z.nullable(issuedId),
  description: z.nullable(z.string()),
  metadata,
  createdAt: instant,
  entries: z.array(entryView),
  /** The transaction this one reverses, on a reversal; else `null`. */
  reverses: z.nullable(issuedId),
  /** The hold this one captured, on a capture; else `null`. */
  holdId: z.nullable(issuedId),
  reversedAmount: z.int(),
  reversalIds: z.array(issuedId),
  /** Admins only; `null` on transactions posted before the audit trail was kept. */
  initiatedBy: z.optional(z.nullable(initiatorView)),
});
export type TransactionView = z.infer<typeof transactionView>;

/**
 * A hold: funds reserved out of `fromAccountId` for `toAccountId` until it is captured (`capturedAmount` moved by the
 * transaction `transactionId`, the rest released), voided, or expires at `expiresAt`. `resolvedAt` is when it stopped
 * being pending.
 */
export const holdView = z.object({
  id: issuedId,
  status: z.enum(holdStatuses),
  fromAccountId: issuedId,
  toAccountId: issuedId,
  amount: amountMinor,
  capturedAmount: z.int(),
  currency,
  description: z.nullable(z.string()),
  metadata,
  createdAt: instant,
  expiresAt: instant,
  resolvedAt: z.nullable(instant),
  transactionId: z.nullable(issuedId),
  /** Who placed it: admins only. */
  initiatedBy: z.optional(initiatorView),
});
export type HoldView = z.infer<typeof holdView>;

/** A page of results; `nextCursor` is null on the last page. */
export function pageOf<T extends z.ZodMiniType>(item: T) {
  return z.object({ data: z.array(item), nextCursor: z.nullable(z.string()) });
}
