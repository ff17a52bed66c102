import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { assert, EmailTakenError, RegistrationBusyError, StorageUnavailableError, UserNotFoundError } from '../errors';
import type { Role, UserRecord } from '../identity/model';
import { db } from './client';
import { cancellationReasons, conditionFailed, isConditionFailed, isUnavailable } from './dynamo-errors';
import { keys } from './keys';

/*
 * The user item (`USER#<id>` / `USER`) and the email claim (`EMAIL#<email>` / `EMAIL`) that makes an email belong to
 * one user: written together, read by id or by email.
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
          Item: { ...keys.user(user.id), entity: 'user', ...user },
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

/** Changes a user's role (and, when given, password hash). */
export async function updateUser(userId: string, changes: { role: Role; passwordHash?: string }): Promise<void> {
  const setHash = changes.passwordHash !== undefined;
  try {
    await db.send(new UpdateCommand({
      TableName: config.tableName,
      Key: keys.user(userId),
      UpdateExpression: setHash ? 'SET #role = :role, passwordHash = :hash' : 'SET #role = :role',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeNames: { '#role': 'role' },
      ExpressionAttributeValues: { ':role': changes.role, ...(setHash ? { ':hash': changes.passwordHash } : {}) },
    }));
  } catch (error) {
    if (isConditionFailed(error)) throw new UserNotFoundError();
    throw error;
  }
}

/** The user an item holds. A role no write of ours could have stored is a bug in the data, not a default. */
function userFromItem(item: Record<string, unknown>): UserRecord {
  const role = item.role;
  assert(role === 'user' || role === 'admin', 'a user role is user or admin');
  return {
    id: String(item.id),
    email: String(item.email),
    name: typeof item.name === 'string' ? item.name : null,
    role,
    passwordHash: String(item.passwordHash),
    disabled: item.disabled === true,
    createdAt: String(item.createdAt),
  };
}
