import * as z from 'zod/mini';
import { roles } from '../identity/model';
import { accountType, amountMinor, currency } from '../ledger/schemas';

/*
 * The response schemas. Only the OpenAPI document uses them at run time, and the handlers' bundles leave this module
 * out (about 3 KiB each); lib/ledger/schemas.ts and lib/identity/schemas.ts infer the domain's view types from them.
 */

/** A user as the API shows it: never the hash. */
export const userView = z.object({
  id: z.string(),
  email: z.string(),
  name: z.nullable(z.string()),
  role: z.enum(roles),
  createdAt: z.string(),
});

/** What login answers. */
export const accessTokenView = z.object({
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().check(z.int()),
});

export const accountView = z.object({
  id: z.string(),
  ownerId: z.string(),
  type: accountType,
  currency,
  name: z.nullable(z.string()),
  balance: z.int(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const balanceView = z.object({ accountId: z.string(), currency, balance: z.int(), asOf: z.string() });

export const entryView = z.object({
  accountId: z.string(),
  direction: z.enum(['debit', 'credit']),
  amount: amountMinor,
  balanceAfter: z.int(),
});

export const transactionView = z.object({
  id: z.string(),
  status: z.literal('posted'),
  amount: amountMinor,
  currency,
  fromAccountId: z.string(),
  toAccountId: z.string(),
  description: z.nullable(z.string()),
  createdAt: z.string(),
  entries: z.array(entryView),
});

/** A page of results; `nextCursor` is null on the last page. */
export function pageOf<T extends z.ZodMiniType>(item: T) {
  return z.object({ data: z.array(item), nextCursor: z.nullable(z.string()) });
}
