import { UserNotFoundError } from '../errors';
import { findUserById } from '../storage/users';
import type { UserRecord } from './model';
import type { UserView } from './schemas';

/**
 * The caller's own profile. It lives apart from registration and login so that routes which only read a profile
 * never load the password hasher.
 */
export async function getProfile(userId: string): Promise<UserView> {
  const user = await findUserById(userId);
  if (!user) throw new UserNotFoundError('The user no longer exists.');
  return toUserView(user);
}

/** A user as the API shows it: never the password hash. */
export function toUserView(user: UserRecord): UserView {
  return { id: user.id, email: user.email, name: user.name, role: user.role, createdAt: user.createdAt };
}
