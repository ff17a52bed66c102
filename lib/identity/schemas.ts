import * as z from 'zod/mini';
import { freeText } from '../http/free-text';
import '../http/zod-locale';

/** Emails are trimmed and lower-cased before anything else sees them, so one mailbox is one user. */
const emailSchema = z.pipe(z.string().check(z.trim(), z.toLowerCase(), z.maxLength(254)), z.email());

/** 12 to 128 characters: long enough to resist guessing, short enough to bound hashing work. */
const passwordSchema = z.string().check(z.minLength(12), z.maxLength(128));

export const registerBody = z.strictObject({
  email: emailSchema,
  password: passwordSchema,
  name: z.optional(freeText({ minLength: 1, maxLength: 100 })),
});
export type RegisterBody = z.infer<typeof registerBody>;

export const loginBody = z.strictObject({
  email: emailSchema,
  // Any length is checked against the hash at login, but bounded so a huge string cannot cost hashing time.
  password: z.string().check(z.minLength(1), z.maxLength(128)),
});
export type LoginBody = z.infer<typeof loginBody>;

/** A user as the API shows it (./views.ts): never the hash. */
export type { UserView } from './views';
