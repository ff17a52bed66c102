import * as z from 'zod/mini';
import { freeText } from '../http/free-text';
import '../http/zod-locale';
import { roles } from './model';

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

/** A TOTP code as an authenticator app shows it: six digits, sent as a string so that leading zeros stay. */
const totpSchema = z.string().check(z.regex(/^[0-9]{6}$/, 'Must be the 6-digit code of your authenticator app.'));

export const loginBody = z.strictObject({
  email: emailSchema,
  // Any length is checked against the hash at login, but bounded so a huge string cannot cost hashing time.
  password: z.string().check(z.minLength(1), z.maxLength(128)),
  /** Required of a user with MFA on; ignored for one without. */
  totp: z.optional(totpSchema),
});
export type LoginBody = z.infer<typeof loginBody>;

/** A refresh token as login and refresh hand it out: 32 random bytes in base64url (43 characters). */
const refreshTokenSchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/, 'Must be a refresh token this API issued.'));

export const refreshBody = z.strictObject({ refreshToken: refreshTokenSchema });
export type RefreshBody = z.infer<typeof refreshBody>;

export const changePasswordBody = z.strictObject({
  currentPassword: z.string().check(z.minLength(1), z.maxLength(128)),
  newPassword: passwordSchema,
});
export type ChangePasswordBody = z.infer<typeof changePasswordBody>;

/** The code that confirms a pending MFA enrolment. */
export const confirmMfaBody = z.strictObject({ totp: totpSchema });
export type ConfirmMfaBody = z.infer<typeof confirmMfaBody>;

/** A user id in a path: what registration issues (a UUID), or any id of the same alphabet the table holds. */
export const userIdParams = z.strictObject({ id: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'Must be an id issued by this API.')) });

/** Page size 1–100 (default 20) and an opaque cursor from the previous page. */
export const listUsersQuery = z.strictObject({
  limit: z._default(z.coerce.number<string>().check(z.int(), z.minimum(1), z.maximum(100)), 20),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
});
export type ListUsersQuery = z.infer<typeof listUsersQuery>;

/** An admin's change to a user's standing: a role, whether it is disabled, or both; never nothing. */
export const updateUserBody = z.strictObject({
  role: z.optional(z.enum(roles)),
  disabled: z.optional(z.boolean()),
}).check(z.refine((body) => body.role !== undefined || body.disabled !== undefined, 'Give role, disabled or both.'));
export type UpdateUserBody = z.infer<typeof updateUserBody>;

/** A user as the API shows it (./views.ts): never the hash. */
export type { AdminUserView, MfaEnrolmentView, UserView } from './views';
