/**
 * The identity domain's records. Storage maps its items to and from these; the routes show them through
 * `lib/identity/schemas.ts`'s views, never as they are.
 */

/** Roles a user can hold. Admins see every account and may move money out of system accounts. */
export const roles = ['user', 'admin'] as const;
export type Role = (typeof roles)[number];

/** Who is calling, as proven by a verified token. */
export interface Caller {
  userId: string;
  role: Role;
  /** Whether the caller's session was opened with a TOTP code: an admin holds admin power only then (./admin-power.ts). */
  mfa: boolean;
}

/** A user's TOTP (RFC 6238) factor once confirmed: its base32 secret, and the last time step whose code was used. */
export interface TotpFactor {
  secret: string;
  /** A code of this step or an earlier one is refused: each code logs in once. */
  lastStep: number;
}

/** A user as the identity module keeps it. `passwordHash` never leaves the identity module. */
export interface UserRecord {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  passwordHash: string;
  /** A disabled user can neither log in nor use a token it holds. */
  disabled: boolean;
  /**
   * Which sessions of the user are live: a session opened under another generation is revoked. A password change (and
   * disabling the user) moves it on, which revokes every session at once in the user's own write.
   */
  sessionGeneration: number;
  /** The confirmed TOTP factor: with one, login needs a code too. */
  totp: TotpFactor | null;
  /** A secret enrolled but not confirmed yet: it does nothing until a code of it confirms it. */
  pendingTotpSecret: string | null;
  createdAt: string;
}

/** One login of a user, renewed by refresh tokens until it is revoked or its last refresh token expires. */
export interface SessionRecord {
  id: string;
  userId: string;
  /** The user's `sessionGeneration` when the session opened; it is live only while the user's is the same. */
  userGeneration: number;
  /** Whether the login that opened it proved a TOTP code; refreshing keeps it, since it is the same session. */
  mfa: boolean;
  /** Logout and reuse detection revoke a session for good. */
  revoked: boolean;
  createdAt: string;
  /** When its newest refresh token expires, in seconds since the epoch; DynamoDB's TTL removes it after. */
  expiresAt: number;
}

/** A refresh token as stored: only its hash, never the token. A spent one is kept to recognise its reuse. */
export interface RefreshTokenRecord {
  hash: string;
  sessionId: string;
  userId: string;
  spent: boolean;
  issuedAt: string;
  /** Seconds since the epoch; past it the token is worth nothing, and DynamoDB's TTL removes it. */
  expiresAt: number;
}
