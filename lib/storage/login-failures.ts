import { BatchGetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { StorageUnavailableError } from '../errors';
import { db } from './client';
import { isConditionFailed, isUnavailable } from './dynamo-errors';
import { keys } from './keys';

/*
 * The login throttle's two items, both of entity `loginFailures` and removed by DynamoDB's TTL once `expiresAt`
 * passes: an email's consecutive failures (`LOGIN#EMAIL#<email>` / `FAILURES`), written only on the `version` that
 * was read, so instances racing on one email each count and none counts past the limit; and a source address's
 * recent failures (`LOGIN#ADDRESS#<address>` / `FAILURES`), a set of their times that failures join with no
 * condition, so logins from one address (a NAT, a backend signing its users in) never wait on each other
 * (lib/identity/login-throttle.ts).
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

/** Both records as read; the email's with the version a write must find (0: no item yet). */
export interface StoredLoginFailures {
  email: EmailFailures & { version: number };
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
      version: Number(emailItem?.version ?? 0),
    },
    address: { failuresMs: [...((addressItem?.failureTimes as Set<number> | undefined) ?? [])].map(Number) },
  };
}

/**
 * Writes an email's record, only if it is still at the version read. Returns `false` when another login changed it
 * first (nothing is written; read again).
 */
export async function writeEmailFailures(email: string, version: number, next: EmailFailures): Promise<boolean> {
  try {
    await db.send(new UpdateCommand(versionedUpdate(emailKey(email), version, { email, ...next })));
    return true;
  } catch (error) {
    if (isConditionFailed(error)) return false;
    // It counted at most this one attempt, which the caller does not run: busy, retry.
    if (isUnavailable(error)) throw new StorageUnavailableError();
    throw error;
  }
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

/** A whole-record update of one item, conditional on its version. */
function versionedUpdate(key: { pk: string; sk: string }, version: number, values: Record<string, unknown>) {
  const names = Object.keys(values);
  return {
    TableName: config.tableName,
    Key: key,
    UpdateExpression: `SET #entity = :entity, #version = :next, ${names.map((name, i) => `#a${i} = :a${i}`).join(', ')}`,
    ConditionExpression: version === 0 ? 'attribute_not_exists(pk)' : '#version = :version',
    ExpressionAttributeNames: { '#entity': 'entity', '#version': 'version', ...Object.fromEntries(names.map((name, i) => [`#a${i}`, name])) },
    ExpressionAttributeValues: {
      ':entity': 'loginFailures', ':next': version + 1, ...(version === 0 ? {} : { ':version': version }),
      ...Object.fromEntries(names.map((name, i) => [`:a${i}`, values[name]])),
    },
  };
}

/**
 * Puts an email's record back to what it was, if nothing has changed it since this login's own write (`version`).
 * For an attempt that ended neither in success nor in a wrong password.
 */
export async function restoreEmailFailures(email: string, version: number, previous: EmailFailures): Promise<void> {
  await ignoringConditionFailed(new UpdateCommand({
    TableName: config.tableName,
    Key: emailKey(email),
    UpdateExpression: 'SET failures = :failures, lockedUntilMs = :locked, #version = :next',
    ConditionExpression: '#version = :version',
    ExpressionAttributeNames: { '#version': 'version' },
    ExpressionAttributeValues: { ':failures': previous.failures, ':locked': previous.lockedUntilMs, ':next': version + 1, ':version': version },
  }));
}

/** Forgets an email's failures: a success resets them. */
export async function clearEmailFailures(email: string): Promise<void> {
  await ignoringConditionFailed(new UpdateCommand({
    TableName: config.tableName,
    Key: emailKey(email),
    UpdateExpression: 'SET failures = :zero, lockedUntilMs = :zero ADD #version :one',
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeNames: { '#version': 'version' },
    ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
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
