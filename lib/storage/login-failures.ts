import { BatchGetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { StorageUnavailableError } from '../errors';
import { db } from './client';
import { cancellationReasons, isConditionFailed, isUnavailable } from './dynamo-errors';
import { keys } from './keys';

/*
 * The login throttle's two items, both of entity `loginFailures` and removed by DynamoDB's TTL once `expiresAt`
 * passes: an email's consecutive failures (`LOGIN#EMAIL#<email>` / `FAILURES`) and a source address's recent failures
 * (`LOGIN#ADDRESS#<address>` / `FAILURES`). Every write is conditional on the `version` that was read, so instances
 * racing on one email or address each count, and none counts past the limit (lib/identity/login-throttle.ts).
 */

/** An email's consecutive failed logins, and until when its logins wait (epoch ms, 0 for not locked). */
export interface EmailFailures {
  failures: number;
  lockedUntilMs: number;
  /** TTL, epoch seconds: past it the record no longer counts, even before DynamoDB deletes it. */
  expiresAt: number;
}

/** An address's failed (and in-flight) logins, by attempt id, at the epoch ms each began. */
export interface AddressFailures {
  attempts: Record<string, number>;
  expiresAt: number;
}

/** Both records as read, each with the version a write must find (0: no item yet). */
export interface StoredLoginFailures {
  email: EmailFailures & { version: number };
  address: AddressFailures & { version: number };
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
    address: {
      attempts: { ...(addressItem?.attempts as Record<string, number> | undefined) },
      expiresAt: Number(addressItem?.expiresAt ?? 0),
      version: Number(addressItem?.version ?? 0),
    },
  };
}

/**
 * Writes both records in one transaction, each only if it is still at the version read. Returns `false` when another
 * login changed either first (nothing is written; read again).
 */
export async function writeLoginFailures(
  email: string, sourceIp: string, read: StoredLoginFailures, next: { email: EmailFailures; address: AddressFailures },
): Promise<boolean> {
  try {
    await db.send(new TransactWriteCommand({
      TransactItems: [
        { Update: versionedUpdate(emailKey(email), read.email.version, { email, ...next.email }) },
        { Update: versionedUpdate(addressKey(sourceIp), read.address.version, { sourceIp, ...next.address }) },
      ],
    }));
    return true;
  } catch (error) {
    const reasons = cancellationReasons(error);
    if (reasons?.some((reason) => reason === 'ConditionalCheckFailed' || reason === 'TransactionConflict')) return false;
    // Either way it counted at most this one attempt, which the caller does not run: busy, retry.
    if (isUnavailable(error)) throw new StorageUnavailableError();
    throw error;
  }
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

/** Removes one attempt from an address's record: it was not a failure. */
export async function removeAddressAttempt(sourceIp: string, attemptId: string): Promise<void> {
  await ignoringConditionFailed(new UpdateCommand({
    TableName: config.tableName,
    Key: addressKey(sourceIp),
    UpdateExpression: 'REMOVE attempts.#attempt ADD #version :one',
    ConditionExpression: 'attribute_exists(pk)',
    ExpressionAttributeNames: { '#attempt': attemptId, '#version': 'version' },
    ExpressionAttributeValues: { ':one': 1 },
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
