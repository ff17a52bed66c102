import * as z from 'zod/mini';

/*
 * The string fields of answers whose form the OpenAPI document states (lib/openapi/components.ts gives each its
 * `format`): answers are never parsed, so these check nothing, and they keep the handlers' bundles free of zod's
 * format checks. Each is one schema instance, so that the document can tell it from any other string.
 */

/** An id the API issued: a UUID. */
export const issuedId = z.string();

/** A point in time, RFC 3339, in UTC (`Z`), with up to nine fraction digits. */
export const instant = z.string();

/** An email address, trimmed and lower-cased. */
export const emailAddress = z.string();
