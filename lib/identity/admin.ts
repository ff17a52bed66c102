import { SelfChangeRefusedError, ForbiddenError } from '../errors';
import { requireAdminPower } from './admin-power';
import { openCursor, sealCursor } from '../cursor';
import { queryUsers, setUserStanding } from '../storage/users';
import type { Caller, UserRecord } from './model';
import type { AdminUserView, ListUsersQuery, UpdateUserBody } from './schemas';

/*
 * User management, for admins with admin power (an MFA session: ./admin-power.ts) only: list every user, change a user's role or disable it. Every session of a user
 * that is disabled (or demoted) feels it within the standing cache time (./standing.ts).
 */

/** A user as admins see it: never the hash, and whether it is disabled. */
export function toAdminUserView(user: UserRecord): AdminUserView {
  return { id: user.id, email: user.email, name: user.name, role: user.role, disabled: user.disabled, createdAt: user.createdAt };
}

/** The list a user page's cursor serves: every user, with no filter. */
const usersScope = 'users';

/** Every user, oldest first, a page at a time. */
export async function listUsers(caller: Caller, query: ListUsersQuery): Promise<{ data: AdminUserView[]; nextCursor: string | null }> {
  requireAdminPower(caller, new ForbiddenError('Only admins manage users.'));
  const after = query.cursor ? await openCursor(usersScope, query.cursor, (value) => value.startsWith('USER#')) : undefined;
  const page = await queryUsers(query.limit, after);
  return { data: page.users.map(toAdminUserView), nextCursor: page.nextAfter ? await sealCursor(usersScope, page.nextAfter) : null };
}

/**
 * Changes a user's role, whether it is disabled, or both, and answers the user as stored after. An admin may not
 * change its own role or disable itself (`self_change_refused`): it could leave no admin to undo the change.
 * Restating its own role, or enabling itself, changes nothing and is allowed.
 */
export async function updateUser(caller: Caller, userId: string, changes: UpdateUserBody): Promise<AdminUserView> {
  requireAdminPower(caller, new ForbiddenError('Only admins manage users.'));
  const changesSelf = userId === caller.userId
    && ((changes.role !== undefined && changes.role !== caller.role) || changes.disabled === true);
  if (changesSelf) throw new SelfChangeRefusedError();
  return toAdminUserView(await setUserStanding(userId, changes));
}
