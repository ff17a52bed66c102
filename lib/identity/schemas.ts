import * as z from 'zod';
import { roleSchema } from './tokens';

/** Emails are trimmed and lower-cased before anything else sees them, so one mailbox is one user. */
const emailSchema = z.string().trim().toLowerCase().max(254).pipe(z.email());

/** 12 to 128 characters: long enough to resist guessing, short enough to bound hashing work. */
const passwordSchema = z.string().min(12).max(128);

export const registerBody = z.strictObject({
  email: emailSchema,
  password: passwordSchema,
  name: z.string().trim().min(1).max(100).optional(),
});
export type RegisterBody = z.infer<typeof registerBody>;

export const loginBody = z.strictObject({
  email: emailSchema,
  // Any length is checked against the hash at login, but bounded so a huge string cannot cost hashing time.
  password: z.string().min(1).max(128),
});
export type LoginBody = z.infer<typeof loginBody>;

/** A user as the API shows it: never the hash. */
export const userView = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string().nullable(),
  role: roleSchema,
  createdAt: z.string(),
});
export type UserView = z.infer<typeof userView>;

export const accessTokenView = z.object({
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int(),
});
