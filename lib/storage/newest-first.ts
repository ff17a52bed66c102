import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../config';
import { db } from './client';

/*
 * The read behind every newest-first page of one list partition (an account's holds, an owner's events, an
 * endpoint's attempts). It is strongly consistent, so that whatever a caller was answered before it asks is listed.
 * DynamoDB applies a filter after its `Limit`, so a filtered round may bring back fewer items than it read: the read
 * goes on, round after round, until the page is full, the partition is read to its end, or the rounds run out.
 */

/** Reads of one partition that a filter may leave short before a page is answered as it is. */
export const listRoundsMax = 5;

/** A filter on the items each round reads, with the attribute names and values its expression uses. */
export interface ListFilter {
  expression: string;
  names?: Record<string, string>;
  values: Record<string, unknown>;
}

/** What to read of a partition, newest first. */
export interface NewestFirstRead {
  pk: string;
  /** Only sort keys below this one (the last of a previous page), or all of them when absent. */
  below?: string;
  filter?: ListFilter;
  /** The items that pass the filter which fill the page: once the read has them, it stops. */
  wanted: number;
  /**
   * The items each round reads (DynamoDB's `Limit`, counted before the filter): as many as are still wanted unless
   * given. A fixed number reads further into a sparse partition in the same rounds, and may bring more than `wanted`.
   */
  roundLimit?: number;
}

/**
 * Items of a partition that pass the filter, newest first, with a sort key below `below`, read strongly consistent.
 * `readTo` is the sort key the read stopped at when older ones remain unread (the page filled, or the rounds ran out
 * first), `null` when the partition was read to its end.
 */
export async function queryNewestFirst(read: NewestFirstRead): Promise<{ items: Array<Record<string, unknown>>; readTo: string | null }> {
  const { pk, below, filter, wanted, roundLimit } = read;
  const items: Array<Record<string, unknown>> = [];
  let start: Record<string, unknown> | undefined;
  for (let round = 0; round < listRoundsMax && items.length < wanted; round += 1) {
    const result = await db.send(new QueryCommand({
      TableName: config.tableName,
      KeyConditionExpression: below ? 'pk = :pk AND sk < :below' : 'pk = :pk',
      ExpressionAttributeValues: { ':pk': pk, ...(below ? { ':below': below } : {}), ...filter?.values },
      ...(filter ? { FilterExpression: filter.expression } : {}),
      ...(filter?.names ? { ExpressionAttributeNames: filter.names } : {}),
      ScanIndexForward: false,
      ConsistentRead: true,
      Limit: roundLimit ?? wanted - items.length,
      ExclusiveStartKey: start,
    }));
    items.push(...(result.Items ?? []));
    start = result.LastEvaluatedKey;
    if (!start) break;
  }
  return { items, readTo: start ? String(start.sk) : null };
}
