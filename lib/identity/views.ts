import * as z from 'zod/mini';
import { emailAddress, instant, issuedId } from '../view-fields';
import { roles } from './model';

/*
 * The identity routes' response schemas. The OpenAPI document describes the responses with them
 * (lib/openapi/responses.ts), and `UserView` is inferred from them (./schemas.ts exports it too); no handler parses
 * its own answer.
 */

/** A user as the API shows it: never the hash. */
export const userView = z.object({
  id: issuedId,
  email: emailAddress,
  name: z.nullable(z.string()),
  role: z.enum(roles),
  createdAt: instant,
});
export type UserView = z.infer<typeof userView>;

/** A user as admins see it (user management): whether it is disabled too. */
export const adminUserView = z.extend(userView, { disabled: z.boolean() });
export type AdminUserView = z.infer<typeof adminUserView>;

/** One page of users, oldest first. */
export const userPageView = z.object({ data: z.array(adminUserView), nextCursor: z.nullable(z.string()) });

/** What login and refresh answer: both lifetimes in seconds. */
export const tokenPairView = z.object({
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().check(z.int()),
  refreshToken: z.string(),
  refreshExpiresIn: z.number().check(z.int()),
});

/** A new MFA enrolment: the base32 secret, and the `otpauth://totp` URL an authenticator app reads (as a QR code). */
export const mfaEnrolmentView = z.object({ secret: z.string(), otpauthUrl: z.string() });
export type MfaEnrolmentView = z.infer<typeof mfaEnrolmentView>;
