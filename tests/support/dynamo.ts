import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../lib/storage/client';
import { keys } from '../../lib/storage/keys';
import { dynamoEndpoint, tableName } from './env';

/** A client of its own for reading items directly, bypassing the code under test; local endpoints only. */
export function directClient(): DynamoDBDocumentClient {
  return createDocumentClient(dynamoEndpoint());
}

/** The stored user item, read straight from the table. */
export async function storedUser(client: DynamoDBDocumentClient, userId: string): Promise<Record<string, unknown> | undefined> {
  const result = await client.send(new GetCommand({ TableName: tableName(), Key: keys.user(userId), ConsistentRead: true }));
  return result.Item;
}

/** The parameters of an argon2 PHC string (`$argon2id$v=19$m=19456,t=2,p=1$salt$hash`). */
export function argon2Parameters(hash: string): { variant: string; m: number; t: number; p: number } {
  const match = /^\$(argon2(?:id|i|d))\$v=\d+\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/.exec(hash);
  if (!match) throw new Error('not an argon2 PHC string');
  return { variant: match[1]!, m: Number(match[2]), t: Number(match[3]), p: Number(match[4]) };
}
