import { BatchGetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { StorageUnavailableError } from '../errors';
import { db } from './client';
import { isConditionFailed, isUnavailable } from './dynamo-errors';
import { keys } from './keys';

/*
 * The login throttle's two items, both of entity `loginFailures` and removed by DynamoDB's TTL once `expiresAt`
 * passes: an email's consecutive failures (`LOGIN#EMAIL#<email>` / `FAILURES`), counted by an atomic increment that is
 * conditioned on the email's limit and lock, so instances racing on one email each count at once (none waits for
 * another) and none counts past the limit; and a source address's recent failures (`LOGIN#ADDRESS#<address>` /
 * `FAILURES`), a set of their times that failures join with no condition, so logins from one address (a NAT, a
 * backend signing its users in) never wait on each other (lib/identity/login-throttle.ts).
 */

/** An email's consecutive failed logins, and until when its logins wait (epoch ms, 0 for not locked). */
export interface EmailFailures {
  failures: number;
  lockedUntilMs: number;
  /** TTL, epoch seconds: past it the record no longer counts, even before DynamoDB deletes it. */
  expiresAt: number;
}

/** An address's failed logins: the epoch ms of each (with a random fraction, so that two never coincide). */
export interface AddressFailures {
  failuresMs: number[];
}

/** Both records as read. */
export interface StoredLoginFailures {
  email: EmailFailures;
  address: AddressFailures;
}

const emailKey = (email: string) => keys.loginFailures('EMAIL', email);
const addressKey = (sourceIp: string) => keys.loginFailures('ADDRESS', sourceIp);

/** Reads both records in one consistent `BatchGetItem`; a missing item reads as no failures. */
export async function readLoginFailures(email: string, sourceIp: string): Promise<StoredLoginFailures> {
  const result = await db.send(new BatchGetCommand({
    RequestItems: { [config.tableName]: { Keys: [emailKey(email), addressKey(sourceIp)], ConsistentRead: true } },
  }));
  // Two small items are not left unprocessed unless DynamoDB is throttling the table: busy, retry.
  if (Object.keys(result.UnprocessedKeys ?? {}).length > 0) throw new StorageUnavailableError();
  const items = result.Responses?.[config.tableName] ?? [];
  const find = (key: { pk: string }) => items.find((item) => item.pk === key.pk);
  const emailItem = find(emailKey(email));
  const addressItem = find(addressKey(sourceIp));
  return {
    email: {
      failures: Number(emailItem?.failures ?? 0),
      lockedUntilMs: Number(emailItem?.lockedUntilMs ?? 0),
      expiresAt: Number(emailItem?.expiresAt ?? 0),
    },
    address: { failuresMs: [...((addressItem?.failureTimes as Set<number> | undefined) ?? [])].map(Number) },
  };
}

/**
 * Counts one more login of an email, before its password is checked, and answers the count; or `undefined` when the
 * email must wait. One atomic increment: logins racing on one email each count at once, in whatever order DynamoDB
 * applies them, and its condition lets one through only while the count is below `free`, or once the lock set at
 * the current count (`lockCount`) has passed. So past the limit exactly one login at a time runs, after each lock.
 * A count whose lock was never set (its login ended before `lockEmail`) stops blocking once it is `staleMs` old.
 */
export async function countEmailLogin(email: string, nowMs: number, limits: { free: number; memoryMs: number; staleMs: number }): Promise<number | undefined> {
  try {
    const result = await db.send(new UpdateCommand({
      TableName: config.tableName,
      Key: emailKey(email),
      UpdateExpression: 'SET #entity = :entity, email = :email, expiresAt = :expires, countedAtMs = :now, '
        + 'failures = if_not_exists(failures, :zero) + :one, lockedUntilMs = if_not_exists(lockedUntilMs, :zero), '
        + 'lockCount = if_not_exists(lockCount, :zero)',
      ConditionExpression: 'attribute_not_exists(pk) OR failures < :free OR (lockedUntilMs <= :now AND '
        + '(lockCount = failures OR attribute_not_exists(lockCount))) OR (lockCount <> failures AND countedAtMs <= :stale)',
      ExpressionAttributeNames: { '#entity': 'entity' },
      ExpressionAttributeValues: {
        ':entity': 'loginFailures', ':email': email, ':expires': Math.ceil((nowMs + limits.memoryMs) / 1000), ':now': nowMs,
        ':zero': 0, ':one': 1, ':free': limits.free, ':stale': nowMs - limits.staleMs,
      },
      ReturnValues: 'UPDATED_NEW',
    }));
    return Number(result.Attributes?.failures);
  } catch (error) {
    if (isConditionFailed(error)) return undefined;
    // It counted at most this one attempt, which the caller does not run: busy, retry.
    if (isUnavailable(error)) throw new StorageUnavailableError();
    throw error;
  }
}

/** Locks an email until `untilMs`, the lock of its `failures`-th count, if no other count or reset came since. */
export async function lockEmail(email: string, failures: number, untilMs: number): Promise<void> {
  await ignoringConditionFailed(new UpdateCommand({
    TableName: config.tableName,
    Key: emailKey(email),
    UpdateExpression: 'SET lockedUntilMs = :until, lockCount = :count',
    ConditionExpression: 'failures = :count',
    ExpressionAttributeValues: { ':until': untilMs, ':count': failures },
  }));
}

/**
 * Takes back a login's count (and the lock it set, if any) when it ended neither in success nor in a wrong password,
 * if no other login counted since: the email is then as it was before, its last lock passed.
 */
export async function uncountEmailLogin(email: string, failures: number, lockedHere: boolean): Promise<void> {
  await ignoringConditionFailed(new UpdateCommand({
    TableName: config.tableName,
    Key: emailKey(email),
    UpdateExpression: `SET failures = :previous${lockedHere ? ', lockedUntilMs = :zero, lockCount = :previous' : ''}`,
    ConditionExpression: 'failures = :count',
    ExpressionAttributeValues: { ':previous': failures - 1, ':count': failures, ...(lockedHere ? { ':zero': 0 } : {}) },
  }));
}

/** Forgets an email's failures that are past their memory (`expiresAt`, as read) and not yet removed by the TTL. */
export async function forgetEmailFailures(email: string, expiresAt: number): Promise<void> {
  await ignoringConditionFailed(new UpdateCommand({
    TableName: config.tableName,
    Key: emailKey(email),
    UpdateExpression: 'SET failures = :zero, lockedUntilMs = :zero, lockCount = :zero',
    ConditionExpression: 'expiresAt = :read',
    ExpressionAttributeValues: { ':zero': 0, ':read': expiresAt },
  }));
}

/**
 * Adds a failed login to its address's record, and drops the failures `stale` names (out of the window): no condition,
 * so concurrent failures from one address each land. The record lives `windowMs` past its last failure.
 */
export async function recordAddressFailure(sourceIp: string, atMs: number, windowMs: number, stale: readonly number[]): Promise<void> {
  await db.send(new UpdateCommand({
    TableName: config.tableName,
    Key: addressKey(sourceIp),
    UpdateExpression: 'SET #entity = :entity, sourceIp = :ip, expiresAt = :expires ADD failureTimes :at',
    ExpressionAttributeNames: { '#entity': 'entity' },
    ExpressionAttributeValues: { ':entity': 'loginFailures', ':ip': sourceIp, ':expires': Math.ceil((atMs + windowMs) / 1000), ':at': new Set([atMs]) },
  }));
  if (stale.length === 0) return;
  await db.send(new UpdateCommand({
    TableName: config.tableName,
    Key: addressKey(sourceIp),
    UpdateExpression: 'DELETE failureTimes :stale',
    ExpressionAttributeValues: { ':stale': new Set(stale) },
  }));
}

/** Forgets an email's failures: a success resets them. */
export async function clearEmailFailures(email: string): Promise<void> {
  await ignoringConditionFailed(new UpdateCommand({
    TableName: config.tableName,
    Key: emailKey(email),
    UpdateExpression: 'SET failures = :zero, lockedUntilMs = :zero, lockCount = :zero',
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeValues: { ':zero': 0 },
  }));
}

/** A condition that failed here means the record moved on (or is gone), which leaves nothing to undo. */
async function ignoringConditionFailed(command: UpdateCommand): Promise<void> {
  try {
    await db.send(command);
  } catch (error) {
    if (!isConditionFailed(error)) throw error;
  }
}
