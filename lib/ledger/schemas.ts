import * as z from 'zod';
import { currencyCodes } from './currencies';

/** The largest amount or balance magnitude: beyond it a JSON number is no longer an exact integer. */
export const amountMinorMax = Number.MAX_SAFE_INTEGER;

/** An amount in minor units: a JSON integer from 1 to 2^53 − 1. Strings, floats, zero and negatives are refused. */
export const amountMinor = z.int().min(1).max(amountMinorMax);

/** An ISO 4217 code, upper case, from the known list. */
export const currency = z.enum(currencyCodes);

/** Ids the platform issued: refusing anything else early keeps odd strings out of keys and logs. */
export const id = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'Must be an id issued by this API.');

export const accountType = z.enum(['user', 'system']);

export const createAccountBody = z.strictObject({
  currency,
  name: z.string().trim().min(1).max(100).optional(),
  type: accountType.optional(),
  ownerId: id.optional(),
});
export type CreateAccountBody = z.infer<typeof createAccountBody>;

/** Page size 1–100 (default 20) and an opaque cursor from the previous page. */
const pageQuery = {
  limit: z.coerce.number<string>().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(512).optional(),
};

export const listAccountsQuery = z.strictObject({ ...pageQuery, ownerId: id.optional() });
export type ListAccountsQuery = z.infer<typeof listAccountsQuery>;

export const statementQuery = z.strictObject(pageQuery);
export type StatementQuery = z.infer<typeof statementQuery>;

export const idParams = z.strictObject({ id });

export const transferBody = z.strictObject({
  fromAccountId: id,
  toAccountId: id,
  amount: amountMinor,
  currency,
  description: z.string().max(280).optional(),
});
export type TransferBody = z.infer<typeof transferBody>;

/** `Idempotency-Key`: 1–255 printable ASCII characters, as Stripe accepts. */
export const idempotencyKey = z.string().regex(/^[\x20-\x7E]{1,255}$/, 'Must be 1–255 printable ASCII characters.');

export const accountView = z.object({
  id: z.string(),
  ownerId: z.string(),
  type: accountType,
  currency,
  name: z.string().nullable(),
  balance: z.int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type AccountView = z.infer<typeof accountView>;

export const balanceView = z.object({ accountId: z.string(), currency, balance: z.int(), asOf: z.string() });
export type BalanceView = z.infer<typeof balanceView>;

export const entryView = z.object({
  accountId: z.string(),
  direction: z.enum(['debit', 'credit']),
  amount: amountMinor,
  balanceAfter: z.int(),
});
export type EntryView = z.infer<typeof entryView>;

export const transactionView = z.object({
  id: z.string(),
  status: z.literal('posted'),
  amount: amountMinor,
  currency,
  fromAccountId: z.string(),
  toAccountId: z.string(),
  description: z.string().nullable(),
  createdAt: z.string(),
  entries: z.array(entryView),
});
export type TransactionView = z.infer<typeof transactionView>;

/** A page of results; `nextCursor` is null on the last page. */
export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ data: z.array(item), nextCursor: z.string().nullable() });
}
