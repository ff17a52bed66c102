import * as z from 'zod/mini';
import { freeText } from '../http/free-text';
import '../http/zod-locale';
import { accountType, amountMinor, currency, id, metadata, rfc3339 } from './fields';
import { parseInstantNs } from './instants';
import { holdLifetimeMaxSeconds, holdStatuses } from './hold-model';
import { shardsMax } from './model';

/** The field schemas of ./fields.ts, which the request schemas below are built from. */
export { amountMinorMax, amountMinor, currency, id, accountType, metadata } from './fields';
/** What the API answers, described by the response schemas in ./views.ts. */
export type { AccountView, BalanceView, HoldView, TransactionView } from './views';

export const createAccountBody = z.strictObject({
  currency,
  name: z.optional(freeText({ minLength: 1, maxLength: 100 })),
  type: z.optional(accountType),
  ownerId: z.optional(id),
  /** Balance shards: 1 (the default) for most accounts; more for a hot one (admins only). */
  shards: z.optional(z.int().check(z.minimum(1), z.maximum(shardsMax))),
  /** Stored without the keys whose value is `""`, as an edit would leave it. */
  metadata: z.optional(metadata),
});
export type CreateAccountBody = z.infer<typeof createAccountBody>;

/**
 * `PATCH /v1/accounts/{id}`: a new name (`null` removes it) and metadata merged into the account's (a key set to `""`
 * is removed; `lib/ledger/status.ts` `mergeMetadata`). A body that changes nothing is refused.
 */
export const updateAccountBody = z.strictObject({
  name: z.optional(z.nullable(freeText({ minLength: 1, maxLength: 100 }))),
  metadata: z.optional(metadata),
}).check(z.refine((body) => body.name !== undefined || body.metadata !== undefined, 'Give name, metadata or both.'));
export type UpdateAccountBody = z.infer<typeof updateAccountBody>;

/**
 * Page size 1–100 (default 20) and an opaque cursor from the previous page. A hot account's statement cursor holds a
 * place on each of up to 64 shards, hence room for 2 KiB.
 */
const pageQuery = {
  limit: z._default(z.coerce.number<string>().check(z.int(), z.minimum(1), z.maximum(100)), 20),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
};

export const listAccountsQuery = z.strictObject({ ...pageQuery, ownerId: z.optional(id) });
export type ListAccountsQuery = z.infer<typeof listAccountsQuery>;

/**
 * A statement's page, and optionally its time range: transactions posted at or after `from` and before `to`
 * (RFC 3339); `from` must be before `to`.
 */
export const statementQuery = z.strictObject({ ...pageQuery, from: z.optional(rfc3339), to: z.optional(rfc3339) }).check(
  // Checked only when both are times: a malformed one is already refused on its own.
  z.refine(({ from, to }) => {
    const [fromNs, toNs] = [from, to].map((time) => (time === undefined ? undefined : parseInstantNs(time)));
    return fromNs === undefined || toNs === undefined || fromNs < toNs;
  }, {
    message: 'Must be later than `from`.', path: ['to'],
  }),
);
export type StatementQuery = z.infer<typeof statementQuery>;

/** A balance's time: the balance after the last entry at or before `at` (RFC 3339); without it, the current one. */
export const balanceQuery = z.strictObject({ at: z.optional(rfc3339) });
export type BalanceQuery = z.infer<typeof balanceQuery>;

export const idParams = z.strictObject({ id });

export const transferBody = z.strictObject({
  fromAccountId: id,
  toAccountId: id,
  amount: amountMinor,
  currency,
  description: z.optional(freeText({ minLength: 0, maxLength: 280 })),
});
export type TransferBody = z.infer<typeof transferBody>;

/** The fewest and the most entries a transaction holds: 20 with their shards' updates fit one write of 100 items. */
export const entriesMin = 2;
export const entriesMax = 20;

/** One leg of a transaction as a client asks for it. */
export const entryBody = z.strictObject({
  accountId: id,
  direction: z.enum(['debit', 'credit']),
  amount: amountMinor,
  currency,
});
export type EntryBody = z.infer<typeof entryBody>;

/**
 * A transaction of 2–20 entries, each account at most once (an account debited and credited in one transaction
 * would be two entries that mean one). Whether each currency balances is a rule of the ledger (422
 * `unbalanced_transaction`), not of the schema.
 */
export const transactionBody = z.strictObject({
  entries: z.array(entryBody).check(
    z.minLength(entriesMin),
    z.maxLength(entriesMax),
    z.refine((entries) => new Set(entries.map((entry) => entry.accountId)).size === entries.length, 'An account may appear in at most one entry.'),
  ),
  description: z.optional(freeText({ minLength: 0, maxLength: 280 })),
  metadata: z.optional(metadata),
});
export type TransactionBody = z.infer<typeof transactionBody>;

/** A reversal: all of the original by default; `amount` reverses part of a transaction of one debit and one credit. */
export const reversalBody = z.strictObject({
  amount: z.optional(amountMinor),
  description: z.optional(freeText({ minLength: 0, maxLength: 280 })),
  metadata: z.optional(metadata),
});
export type ReversalBody = z.infer<typeof reversalBody>;

/**
 * `Idempotency-Key`: 1–255 printable ASCII characters, as Stripe accepts, but a comma, which joins a repeated header's
 * values (lib/http/input.ts refuses it first, as two values); the pattern says so too, so the document states it.
 */
export const idempotencyKey = z.string().check(z.regex(/^[\x20-\x2B\x2D-\x7E]{1,255}$/, 'Must be 1–255 printable ASCII characters, with no comma.'));

/**
 * `POST /v1/holds`: reserve `amount` out of `fromAccountId` for `toAccountId`, for `expiresInSeconds` (1 s to 30 days;
 * 7 days when left out).
 */
export const holdBody = z.strictObject({
  fromAccountId: id,
  toAccountId: id,
  amount: amountMinor,
  currency,
  expiresInSeconds: z.optional(z.int().check(z.minimum(1), z.maximum(holdLifetimeMaxSeconds))),
  description: z.optional(freeText({ minLength: 0, maxLength: 280 })),
  metadata: z.optional(metadata),
});
export type HoldBody = z.infer<typeof holdBody>;

/** `POST /v1/holds/{id}/capture`: `amount` of the hold (all of it when left out); the rest is released. */
export const captureBody = z.strictObject({ amount: z.optional(amountMinor) });
export type CaptureBody = z.infer<typeof captureBody>;

/** An account's holds, of one status if asked, newest first. */
export const holdListQuery = z.strictObject({ ...pageQuery, status: z.optional(z.enum(holdStatuses)) });
export type HoldListQuery = z.infer<typeof holdListQuery>;
