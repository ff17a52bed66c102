import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { assert, EmailTakenError, RegistrationBusyError, StorageUnavailableError, UserNotFoundError } from '../errors';
import type { Role, UserRecord } from '../identity/model';
import { db } from './client';
import { cancellationReasons, conditionFailed, isConditionFailed, isUnavailable } from './dynamo-errors';
import { stringOrNull } from './item-fields';
import { keys } from './keys';

/*
 * The user item (`USER#<id>` / `USER`, listed for admins in `gsi1` under `USERS`, oldest first) and the email claim
 * (`EMAIL#<email>` / `EMAIL`) that makes an email belong to one user: written together, read by id or by email. A
 * user with MFA holds `totpSecret` and `totpLastStep`; one enrolling holds `totpPendingSecret` until it confirms.
 */

/** Attempts at the insert when concurrent registrations of one email cancel each other, and the jitter between. */
const insertAttemptsMax = 5;
const insertRetryJitterMsMax = 25;

/**
 * Stores a new user and claims its email in one transaction. The email item's condition makes uniqueness hold in the
 * database itself: of two concurrent registrations of one email, exactly one commits.
 */
export async function insertUser(user: UserRecord): Promise<void> {
  for (let attempt = 1; attempt <= insertAttemptsMax; attempt += 1) {
    try {
      await db.send(insertCommand(user));
      return;
    } catch (error) {
      const reasons = cancellationReasons(error);
      // The second item is the email claim: its condition failing means the email is already registered.
      if (reasons && conditionFailed(reasons, 1)) {
        throw new EmailTakenError();
      }
      // A registration whose answer never came may have committed: the caller's retry then finds the email taken
      // or registers it, so "busy, retry" is the honest answer, not a 500.
      if (!reasons && isUnavailable(error)) throw new StorageUnavailableError();
      // DynamoDB cancels a transaction that meets another one in flight on the same item (two registrations of one
      // email) with `TransactionConflict`, not with the condition. Nothing was written; once the other one settles,
      // a retry commits or finds the email taken.
      if (!reasons?.includes('TransactionConflict')) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, Math.random() * insertRetryJitterMsMax));
  }
  throw new RegistrationBusyError();
}

/**
 * The user item and the email claim, each written only if it does not exist yet. The SDK gives the command a client
 * token when it serializes it and keeps that token across its own retries, so a retry after a lost answer cannot find
 * the email taken by this very registration; a retry after `TransactionConflict` builds a new command, and token.
 */
function insertCommand(user: UserRecord): TransactWriteCommand {
  return new TransactWriteCommand({
    TransactItems: [
      {
        Put: {
          TableName: config.tableName,
          Item: { ...keys.user(user.id), ...keys.userInUserList(user.createdAt, user.id), entity: 'user', ...userAttributes(user) },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: config.tableName,
          Item: { ...keys.email(user.email), entity: 'email', userId: user.id },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
    ],
  });
}

/** Reads a user by id, or `undefined`. */
export async function findUserById(userId: string): Promise<UserRecord | undefined> {
  const result = await db.send(new GetCommand({ TableName: config.tableName, Key: keys.user(userId), ConsistentRead: true }));
  return result.Item ? userFromItem(result.Item) : undefined;
}

/** An id no user has: the user read an unknown email still makes. */
const absentUserId = '00000000-0000-0000-0000-000000000000';

/**
 * Reads a user by (normalized) email, or `undefined`. An unknown email makes the same two reads as a known one (the
 * second of a user that never exists), so login's timing does not tell them apart.
 */
export async function findUserByEmail(email: string): Promise<UserRecord | undefined> {
  const claim = await db.send(new GetCommand({ TableName: config.tableName, Key: keys.email(email), ConsistentRead: true }));
  const userId = claim.Item?.userId;
  const user = await findUserById(typeof userId === 'string' ? userId : absentUserId);
  return typeof userId === 'string' ? user : undefined;
}

/**
 * Changes a user's role (and, when given, password hash). A new password revokes every session of the user, as a
 * password change does: the one it replaces may be what an attacker holds.
 */
export async function updateUser(userId: string, changes: { role: Role; passwordHash?: string }): Promise<void> {
  const setHash = changes.passwordHash !== undefined;
  try {
    await db.send(new UpdateCommand({
      TableName: config.tableName,
      Key: keys.user(userId),
      UpdateExpression: setHash
        ? 'SET #role = :role, passwordHash = :hash, sessionGeneration = if_not_exists(sessionGeneration, :zero) + :one'
        : 'SET #role = :role',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#role': 'role' },
      ExpressionAttributeValues: { ':role': changes.role, ...(setHash ? { ':hash': changes.passwordHash, ':zero': 0, ':one': 1 } : {}) },
    }));
  } catch (error) {
    if (isConditionFailed(error)) throw new UserNotFoundError();
    throw error;
  }
}

/** One page of every user, oldest first. `after` is the last `gsi1sk` of the previous page. */
export async function queryUsers(limit: number, after?: string): Promise<{ users: UserRecord[]; nextAfter: string | null }> {
  const result = await db.send(new QueryCommand({
    TableName: config.tableName,
    IndexName: 'gsi1',
    KeyConditionExpression: after ? 'gsi1pk = :pk AND gsi1sk > :after' : 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.allUsers().gsi1pk, ...(after ? { ':after': after } : {}) },
    Limit: limit + 1,
  }));
  const items = result.Items ?? [];
  const page = items.slice(0, limit);
  const last = page.at(-1);
  return { users: page.map(userFromItem), nextAfter: items.length > limit && last ? String(last.gsi1sk) : null };
}

/**
 * Sets a user's role and whether it is disabled, and returns the user as stored after. Disabling also moves the
 * session generation on, so that no session opened before comes back to life if the user is enabled again.
 */
export async function setUserStanding(userId: string, changes: { role?: Role; disabled?: boolean }): Promise<UserRecord> {
  const sets = [
    ...(changes.role !== undefined ? ['#role = :role'] : []),
    ...(changes.disabled !== undefined ? ['disabled = :disabled'] : []),
    ...(changes.disabled === true ? ['sessionGeneration = if_not_exists(sessionGeneration, :zero) + :one'] : []),
  ];
  assert(sets.length > 0, 'a standing change changes something');
  try {
    const result = await db.send(new UpdateCommand({
      TableName: config.tableName,
      Key: keys.user(userId),
      UpdateExpression: `SET ${sets.join(', ')}`,
      ConditionExpression: 'attribute_exists(pk)',
      ...(changes.role !== undefined ? { ExpressionAttributeNames: { '#role': 'role' } } : {}),
      ExpressionAttributeValues: {
        ...(changes.role !== undefined ? { ':role': changes.role } : {}),
        ...(changes.disabled !== undefined ? { ':disabled': changes.disabled } : {}),
        ...(changes.disabled === true ? { ':zero': 0, ':one': 1 } : {}),
      },
      ReturnValues: 'ALL_NEW',
    }));
    return userFromItem(result.Attributes!);
  } catch (error) {
    if (isConditionFailed(error)) throw new UserNotFoundError();
    throw error;
  }
}

/**
 * Replaces a user's password hash and moves the session generation on, which revokes every session of the user in
 * the same write. The condition on the old hash makes two concurrent changes of one password commit one at a time:
 * the second was checked against a password that is no longer the user's, and fails as a wrong one would. The new
 * hash passes the condition too: it has a fresh salt, so only this very change can have stored it, and the SDK's retry
 * of a send whose answer was lost then meets its own write and succeeds (moving the generation on once more, which
 * revokes nothing more than the first did).
 */
export async function replacePassword(userId: string, oldHash: string, newHash: string): Promise<boolean> {
  try {
    await db.send(new UpdateCommand({
      TableName: config.tableName,
      Key: keys.user(userId),
      UpdateExpression: 'SET passwordHash = :new, sessionGeneration = if_not_exists(sessionGeneration, :zero) + :one',
      ConditionExpression: 'passwordHash IN (:old, :new)',
      ExpressionAttributeValues: { ':new': newHash, ':old': oldHash, ':zero': 0, ':one': 1 },
    }));
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** Enrols a TOTP secret that is not confirmed yet (replacing any other pending one); the confirmed factor stays. */
export async function setPendingTotpSecret(userId: string, secret: string): Promise<void> {
  await updateExisting(userId, 'SET totpPendingSecret = :secret', { ':secret': secret });
}

/**
 * Turns a pending secret into the user's factor, with `step` (the confirming code's) as its last used step. The
 * condition on the pending secret makes a confirmation that raced another enrolment confirm nothing (false).
 */
export async function confirmTotpSecret(userId: string, secret: string, step: number): Promise<boolean> {
  return conditionalUpdate(userId, 'SET totpSecret = :secret, totpLastStep = :step REMOVE totpPendingSecret',
    'totpPendingSecret = :secret', { ':secret': secret, ':step': step });
}

/**
 * Records that the code of `step` was used, only if no code of that step or a later one was (false otherwise): the
 * conditional write is what makes a code log in once, however many instances see it at the same time.
 */
export async function useTotpStep(userId: string, secret: string, step: number): Promise<boolean> {
  return conditionalUpdate(userId, 'SET totpLastStep = :step',
    'totpSecret = :secret AND totpLastStep < :step', { ':secret': secret, ':step': step });
}

/**
 * Sets a user's factor directly (`npm start` with ADMIN_TOTP_SECRET, `npm run admin`), dropping any pending one. The
 * same secret again changes nothing, so its used steps stay used.
 */
export async function setTotpFactor(userId: string, secret: string): Promise<void> {
  await conditionalUpdate(userId, 'SET totpSecret = :secret, totpLastStep = :zero REMOVE totpPendingSecret',
    'attribute_exists(pk) AND (attribute_not_exists(totpSecret) OR totpSecret <> :secret)', { ':secret': secret, ':zero': 0 });
}

async function updateExisting(userId: string, update: string, values: Record<string, unknown>): Promise<void> {
  if (!(await conditionalUpdate(userId, update, 'attribute_exists(pk)', values))) throw new UserNotFoundError();
}

async function conditionalUpdate(userId: string, update: string, condition: string, values: Record<string, unknown>): Promise<boolean> {
  try {
    await db.send(new UpdateCommand({
      TableName: config.tableName, Key: keys.user(userId), UpdateExpression: update, ConditionExpression: condition, ExpressionAttributeValues: values,
    }));
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    throw error;
  }
}

/** A user's attributes as stored: its TOTP factor flat, as `totpSecret` and `totpLastStep`, and no nulls for them. */
function userAttributes(user: UserRecord): Record<string, unknown> {
  const { totp, pendingTotpSecret, ...rest } = user;
  return {
    ...rest,
    ...(totp ? { totpSecret: totp.secret, totpLastStep: totp.lastStep } : {}),
    ...(pendingTotpSecret ? { totpPendingSecret: pendingTotpSecret } : {}),
  };
}

/** The user an item holds. A role no write of ours could have stored is a bug in the data, not a default. */
function userFromItem(item: Record<string, unknown>): UserRecord {
  const role = item.role;
  assert(role === 'user' || role === 'admin', 'a user role is user or admin');
  return {
    id: String(item.id),
    email: String(item.email),
    name: stringOrNull(item.name),
    role,
    passwordHash: String(item.passwordHash),
    disabled: item.disabled === true,
    // Users stored before sessions existed have no generation: theirs is the first.
    sessionGeneration: typeof item.sessionGeneration === 'number' ? item.sessionGeneration : 0,
    totp: typeof item.totpSecret === 'string'
      ? { secret: item.totpSecret, lastStep: typeof item.totpLastStep === 'number' ? item.totpLastStep : 0 }
      : null,
    pendingTotpSecret: stringOrNull(item.totpPendingSecret),
    createdAt: String(item.createdAt),
  };
}
