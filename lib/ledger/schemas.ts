import * as z from 'zod/mini';
import { freeText } from '../http/free-text';
import '../http/zod-locale';
import { accountType, amountMinor, currency, id, rfc3339 } from './fields';
import { parseInstantNs } from './instants';
import { shardsMax } from './model';

/** The field schemas of ./fields.ts, which the request schemas below are built from. */
export { amountMinorMax, amountMinor, currency, id, accountType } from './fields';
/** What the API answers, described by the response schemas in ./views.ts. */
export type { AccountView, BalanceView, TransactionView } from './views';

export const createAccountBody = z.strictObject({
  currency,
  name: z.optional(freeText({ minLength: 1, maxLength: 100 })),
  type: z.optional(accountType),
  ownerId: z.optional(id),
  /** Balance shards: 1 (the default) for most accounts; more for a hot one (admins only). */
  shards: z.optional(z.int().check(z.minimum(1), z.maximum(shardsMax))),
});
export type CreateAccountBody = z.infer<typeof createAccountBody>;

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

/** `Idempotency-Key`: 1–255 printable ASCII characters, as Stripe accepts. */
export const idempotencyKey = z.string().check(z.regex(/^[\x20-\x7E]{1,255}$/, 'Must be 1–255 printable ASCII characters.'));
