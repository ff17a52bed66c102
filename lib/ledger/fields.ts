import * as z from 'zod/mini';
import '../http/zod-locale';
import { currencyCodes } from './currencies';

/*
 * The ledger's field schemas, which both the request schemas (./schemas.ts) and the response views (./views.ts) are
 * built from. They sit in a module of their own so that neither of those two imports the other.
 */

/** The largest amount or balance magnitude: beyond it a JSON number is no longer an exact integer. */
export const amountMinorMax = Number.MAX_SAFE_INTEGER;

/** An amount in minor units: a JSON integer from 1 to 2^53 − 1. Strings, floats, zero and negatives are refused. */
export const amountMinor = z.int().check(z.minimum(1), z.maximum(amountMinorMax));

/** An ISO 4217 code, upper case, from the known list. */
export const currency = z.enum(currencyCodes);

/** Ids the platform issued: refusing anything else early keeps odd strings out of keys and logs. */
export const id = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'Must be an id issued by this API.'));

/** A user's own account, or one of the platform's system accounts (which may go below zero). */
export const accountType = z.enum(['user', 'system']);
