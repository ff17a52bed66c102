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
  createdAt: string;
}

/** One login of a user, renewed by refresh tokens until it is revoked or its last refresh token expires. */
export interface SessionRecord {
  id: string;
  userId: string;
  /** The user's `sessionGeneration` when the session opened; it is live only while the user's is the same. */
  userGeneration: number;
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
