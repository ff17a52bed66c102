import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { assert, StorageUnavailableError } from '../errors';
import type { RefreshTokenRecord, SessionRecord } from '../identity/model';
import { db } from './client';
import { cancellationReasons, conditionFailed, isConditionFailed, isUnavailable, type TransactItem } from './dynamo-errors';
import { keys } from './keys';

/*
 * The session item (`SESSION#<id>` / `SESSION`) and its refresh tokens (`REFRESH#<sha-256 of the token>` / `REFRESH`),
 * both removed by DynamoDB's TTL once `expiresAt` passes. A refresh token's item holds its hash, never the token.
 */

/** Stores a new session with its first refresh token, both or neither. */
export async function insertSession(session: SessionRecord, refresh: RefreshTokenRecord): Promise<void> {
  try {
    await db.send(new TransactWriteCommand({ TransactItems: [sessionPut(session), refreshPut(refresh)] }));
  } catch (error) {
    // Nothing else can be reading a session no one was told of: an answer that never came is only "retry".
    if (isUnavailable(error)) throw new StorageUnavailableError();
    throw error;
  }
}

/** The put of a new session item, for `insertSession` and for tests that store sessions in a table of their own. */
export function sessionPut(session: SessionRecord): TransactItem {
  return {
    Put: {
      TableName: config.tableName,
      Item: { ...keys.session(session.id), entity: 'session', ...session },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

function refreshPut(refresh: RefreshTokenRecord): TransactItem {
  return {
    Put: {
      TableName: config.tableName,
      Item: { ...keys.refreshToken(refresh.hash), entity: 'refresh_token', ...refresh },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** Reads a session, strongly consistent, or `undefined`. An expired one reads as it is: the caller judges it. */
export async function findSession(sessionId: string): Promise<SessionRecord | undefined> {
  const result = await db.send(new GetCommand({ TableName: config.tableName, Key: keys.session(sessionId), ConsistentRead: true }));
  return result.Item ? sessionFromItem(result.Item) : undefined;
}

/** Reads a refresh token's record by the token's hash, or `undefined`. */
export async function findRefreshToken(hash: string): Promise<RefreshTokenRecord | undefined> {
  const result = await db.send(new GetCommand({ TableName: config.tableName, Key: keys.refreshToken(hash), ConsistentRead: true }));
  return result.Item ? refreshFromItem(result.Item) : undefined;
}

/** How a rotation ended: the new token is live, or the old one was already spent, or the session was revoked. */
export type Rotation = 'rotated' | 'spent' | 'revoked';

/**
 * Spends a refresh token and stores its successor in one transaction, extending the session to the successor's
 * expiry. The spent token's condition makes rotation safe under concurrency: of two refreshes of one token exactly
 * one commits, and the other learns the token was spent, which is reuse.
 */
export async function rotateRefreshToken(spent: RefreshTokenRecord, next: RefreshTokenRecord, now: string): Promise<Rotation> {
  try {
    await db.send(new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: config.tableName,
            Key: keys.refreshToken(spent.hash),
            UpdateExpression: 'SET spent = :true, spentAt = :now',
            ConditionExpression: 'attribute_exists(pk) AND spent = :false',
            ExpressionAttributeValues: { ':true': true, ':false': false, ':now': now },
          },
        },
        refreshPut(next),
        {
          Update: {
            TableName: config.tableName,
            Key: keys.session(next.sessionId),
            UpdateExpression: 'SET expiresAt = :expiresAt, refreshedAt = :now',
            ConditionExpression: 'attribute_exists(pk) AND revoked = :false',
            ExpressionAttributeValues: { ':expiresAt': next.expiresAt, ':now': now, ':false': false },
          },
        },
      ],
    }));
    return 'rotated';
  } catch (error) {
    const reasons = cancellationReasons(error);
    if (reasons && conditionFailed(reasons, 0)) return 'spent';
    if (reasons && conditionFailed(reasons, 2)) return 'revoked';
    // Two refreshes of one token in flight together: DynamoDB cancels one with TransactionConflict rather than
    // failing its condition. The other may commit, so this one is the loser, and a loser is a reuse.
    if (reasons?.includes('TransactionConflict')) return 'spent';
    // An answer that never came: the token may be spent. Presenting it again is then reuse, which is the safe side.
    if (isUnavailable(error)) throw new StorageUnavailableError();
    throw error;
  }
}

/** Revokes a session for good. Revoking one that no longer exists (expired and removed) does nothing. */
export async function revokeSession(sessionId: string, now: string): Promise<void> {
  try {
    await db.send(new UpdateCommand({
      TableName: config.tableName,
      Key: keys.session(sessionId),
      UpdateExpression: 'SET revoked = :true, revokedAt = if_not_exists(revokedAt, :now)',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':true': true, ':now': now },
    }));
  } catch (error) {
    if (isConditionFailed(error)) return;
    throw error;
  }
}

/** The session an item holds. A field no write of ours could have stored is a bug in the data, not a default. */
function sessionFromItem(item: Record<string, unknown>): SessionRecord {
  const { userGeneration, expiresAt } = item;
  assert(typeof userGeneration === 'number' && Number.isSafeInteger(userGeneration), 'a session names its user generation');
  assert(typeof expiresAt === 'number' && Number.isSafeInteger(expiresAt), 'a session has an expiry in epoch seconds');
  return {
    id: String(item.id),
    userId: String(item.userId),
    userGeneration,
    // Sessions stored before MFA existed were opened without it.
    mfa: item.mfa === true,
    revoked: item.revoked === true,
    createdAt: String(item.createdAt),
    expiresAt,
  };
}

function refreshFromItem(item: Record<string, unknown>): RefreshTokenRecord {
  const { expiresAt } = item;
  assert(typeof expiresAt === 'number' && Number.isSafeInteger(expiresAt), 'a refresh token has an expiry in epoch seconds');
  return {
    hash: String(item.hash),
    sessionId: String(item.sessionId),
    userId: String(item.userId),
    spent: item.spent === true,
    issuedAt: String(item.issuedAt),
    expiresAt,
  };
}
