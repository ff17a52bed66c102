import * as z from 'zod/mini';
import { freeText } from '../http/free-text';
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

/**
 * A point in time, RFC 3339: a date, `T`, a time with seconds and up to nine fraction digits, then `Z` or an offset
 * (`2026-12-06T10:00:00Z`, `2026-12-06T11:00:00.5+01:00`); a day that is not on the calendar is refused.
 */
export const rfc3339 = z.iso.datetime({ offset: true }).check(
  z.maxLength(35),
  z.regex(/^.{19}(\.\d{1,9})?(Z|[+-]\d\d:\d\d)$/, 'Must be an RFC 3339 time of at most nine fraction digits.'),
);

/** A user's own account, or one of the platform's system accounts (which may go below zero). */
export const accountType = z.enum(['user', 'system']);

/** The most keys a metadata object holds, the longest key and the longest value: bounded like every other field. */
export const metadataKeysMax = 20;
const metadataKeyLengthMax = 40;
const metadataValueLengthMax = 500;

/**
 * Metadata a client attaches to an account or a transaction, to find it again by its own ids (an order, an invoice):
 * at most 20 keys of 1–40 characters of `[A-Za-z0-9_.-]`, each a string value of at most 500 characters, held to the
 * rules of free text (no control, format or bidirectional characters; NFC, trimmed) since statements show it.
 */
export const metadata = z.record(
  z.string().check(z.regex(new RegExp(`^[A-Za-z0-9_.-]{1,${metadataKeyLengthMax}}$`), `Keys must be 1–${metadataKeyLengthMax} characters of A–Z, a–z, 0–9, _ . -`)),
  freeText({ minLength: 0, maxLength: metadataValueLengthMax }),
).check(z.refine((value) => Object.keys(value).length <= metadataKeysMax, `At most ${metadataKeysMax} keys.`));
