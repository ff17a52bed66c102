import * as z from 'zod/mini';
import '../http/zod-locale';
import type * as views from '../openapi/views';
import { currencyCodes } from './currencies';

/** The largest amount or balance magnitude: beyond it a JSON number is no longer an exact integer. */
export const amountMinorMax = Number.MAX_SAFE_INTEGER;

/** An amount in minor units: a JSON integer from 1 to 2^53 − 1. Strings, floats, zero and negatives are refused. */
export const amountMinor = z.int().check(z.minimum(1), z.maximum(amountMinorMax));

/** An ISO 4217 code, upper case, from the known list. */
export const currency = z.enum(currencyCodes);

/** Ids the platform issued: refusing anything else early keeps odd strings out of keys and logs. */
export const id = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'Must be an id issued by this API.'));

export const accountType = z.enum(['user', 'system']);

export const createAccountBody = z.strictObject({
  currency,
  name: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(100))),
  type: z.optional(accountType),
  ownerId: z.optional(id),
});
export type CreateAccountBody = z.infer<typeof createAccountBody>;

/** Page size 1–100 (default 20) and an opaque cursor from the previous page. */
const pageQuery = {
  limit: z._default(z.coerce.number<string>().check(z.int(), z.minimum(1), z.maximum(100)), 20),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
};

export const listAccountsQuery = z.strictObject({ ...pageQuery, ownerId: z.optional(id) });
export type ListAccountsQuery = z.infer<typeof listAccountsQuery>;

export const statementQuery = z.strictObject(pageQuery);
export type StatementQuery = z.infer<typeof statementQuery>;

export const idParams = z.strictObject({ id });

export const transferBody = z.strictObject({
  fromAccountId: id,
  toAccountId: id,
  amount: amountMinor,
  currency,
  description: z.optional(z.string().check(z.maxLength(280))),
});
export type TransferBody = z.infer<typeof transferBody>;

/** `Idempotency-Key`: 1–255 printable ASCII characters, as Stripe accepts. */
export const idempotencyKey = z.string().check(z.regex(/^[\x20-\x7E]{1,255}$/, 'Must be 1–255 printable ASCII characters.'));

/** What the API answers, described by the response schemas in lib/openapi/views.ts. */
export type AccountView = z.infer<typeof views.accountView>;
export type BalanceView = z.infer<typeof views.balanceView>;
export type TransactionView = z.infer<typeof views.transactionView>;
