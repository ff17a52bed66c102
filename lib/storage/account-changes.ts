import { randomUUID } from 'node:crypto';
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { assert, StorageUnavailableError } from '../errors';
import { accountEvent } from '../events/record';
import { backoff } from '../ledger/backoff';
import { latestOf } from '../ledger/instants';
import type { AccountRecord, AccountStatus } from '../ledger/model';
import { accountFromItem } from './accounts';
import { db } from './client';
import {
  cancellationReasons, conditionFailed, isAmbiguous, isUnavailable, retriedBySdk, retryableCancellation, type TransactItem,
} from './dynamo-errors';
import { eventItems } from './events';
import { keys } from './keys';

/*
 * The writes that change an account without moving money: its status, on every shard at once, and its name and
 * metadata, on shard 0, each with its `account.updated` event (the outbox). The account's items and their mapping are `accounts.ts`'s; these writes never touch a
 * balance or a `seq`, and never move `updatedAt` back, since new entries are minted from it (`mintedAt`).
 */

/** Sends of a status change that met a write in flight, throttling or no answer, before it is unavailable. */
const statusSendsMax = 4;

/**
 * Sets a new status on every shard of an account, as read, in one `TransactWriteItems` (at most 64 items), each
 * conditioned on its shard's status as read, and, with `balanceAsRead` (a close), on its `seq` as read: the balance
 * the close was planned on is then the balance when it commits. Movements condition each shard they write on its
 * status (`balanceUpdate`), so a movement and a status change never both commit against each other's reads.
 * Not `written`: some shard changed since the read (plan again), or, `ambiguous`, a send had no answer, so the
 * change may have committed and may be what moved the shards (read back before planning again).
 */
export async function writeAccountStatus(
  shards: readonly AccountRecord[],
  status: AccountStatus,
  balanceAsRead: boolean,
  now: string,
): Promise<{ written: boolean; ambiguous: boolean }> {
  const main = shards.find((shard) => shard.shard === 0)!;
  const event = accountEvent('account.updated', { ...main, status, updatedAt: latestOf([now, main.updatedAt]) }, latestOf([now, main.updatedAt]));
  const command = new TransactWriteCommand({
    ClientRequestToken: randomUUID(),
    TransactItems: [...shards.map((read): TransactItem => ({
      Update: {
        TableName: config.tableName,
        Key: keys.shard(read.id, read.shard),
        UpdateExpression: 'SET #status = :status, updatedAt = :now',
        // `updatedAt` never moves back (entries are minted from it: `mintedAt`), whatever this process's clock says.
        ConditionExpression: `(${read.status === 'active' ? 'attribute_not_exists(#status) OR ' : ''}#status = :read)${balanceAsRead ? ' AND seq = :seq' : ''}`
          + ' AND updatedAt <= :now',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':status': status, ':now': latestOf([now, read.updatedAt]), ':read': read.status, ...(balanceAsRead ? { ':seq': read.seq } : {}),
        },
      },
    })), ...eventItems(event)],
  });
  let ambiguous = false;
  for (let send = 1; ; send += 1) {
    try {
      await db.send(command);
      return { written: true, ambiguous };
    } catch (error) {
      ambiguous ||= isAmbiguous(error) || retriedBySdk(error);
      const reasons = cancellationReasons(error);
      if (reasons && reasons.some((_, index) => conditionFailed(reasons, index))) return { written: false, ambiguous };
      if (!(reasons ? retryableCancellation(reasons) : isUnavailable(error))) throw error;
      // Out of sends: a change that may have committed is for the caller to read back; one that did not, unavailable.
      if (send >= statusSendsMax && ambiguous) return { written: false, ambiguous };
      if (send >= statusSendsMax) throw new StorageUnavailableError();
      await backoff(send);
    }
  }
}

/** An account as read for an edit of its name or metadata, with the count of edits that guards the next one. */
export async function findAccountProfile(accountId: string): Promise<{ account: AccountRecord; revision: number } | undefined> {
  const result = await db.send(new GetCommand({ TableName: config.tableName, Key: keys.account(accountId), ConsistentRead: true }));
  if (!result.Item) return undefined;
  const revision = result.Item.profileRevision ?? 0;
  assert(typeof revision === 'number' && Number.isSafeInteger(revision) && revision >= 0, 'a profile revision is a count of edits');
  return { account: accountFromItem(result.Item), revision };
}

/**
 * Writes an account's name and metadata on its shard 0, with its `account.updated` event, if no other edit landed
 * since `revision` was read (`false` then: read and merge again). Balances, `seq` and status are not touched, so an
 * edit never races a movement.
 */
export async function writeAccountProfile(account: AccountRecord, revision: number, now: string): Promise<boolean> {
  const at = latestOf([now, account.updatedAt]);
  try {
    await db.send(new TransactWriteCommand({
      ClientRequestToken: randomUUID(),
      TransactItems: [{
        Update: {
          TableName: config.tableName,
          Key: keys.account(account.id),
          UpdateExpression: 'SET #name = :name, metadata = :metadata, profileRevision = :next, updatedAt = :now',
          // `updatedAt` never moves back: a movement that landed since the read moved it on, so read and merge again.
          ConditionExpression: `${revision === 0 ? 'attribute_exists(pk) AND attribute_not_exists(profileRevision)' : 'profileRevision = :revision'} AND updatedAt <= :now`,
          ExpressionAttributeNames: { '#name': 'name' },
          ExpressionAttributeValues: {
            ':name': account.name, ':metadata': account.metadata, ':next': revision + 1, ':now': at,
            ...(revision === 0 ? {} : { ':revision': revision }),
          },
        },
      }, ...eventItems(accountEvent('account.updated', { ...account, updatedAt: at }, at))],
    }));
    return true;
  } catch (error) {
    // Another edit got there first; a caller that merges again keeps both edits' keys.
    const reasons = cancellationReasons(error);
    if (reasons && conditionFailed(reasons, 0)) return false;
    throw error;
  }
}
