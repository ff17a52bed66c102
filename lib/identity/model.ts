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
  createdAt: string;
}
