import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
  type StreamViewType,
} from '@aws-sdk/client-dynamodb';
import definition from './table.json';

const { TimeToLiveAttribute, StreamViewType: streamViewType, ...table } = definition;
const stream = { StreamEnabled: true, StreamViewType: streamViewType as StreamViewType };

/**
 * Creates the table if it is missing, from `table.json`: the same key schema, indexes, TTL attribute and stream that
 * `serverless.yml` deploys. A table kept from before the outbox's stream (a persisted `npm start`) gets its stream.
 * Returns whether it created the table.
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    const { Table: existing } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (!existing?.StreamSpecification?.StreamEnabled) {
      await client.send(new UpdateTableCommand({ TableName: tableName, StreamSpecification: stream }));
    }
    return false;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  await client.send(new CreateTableCommand({
    ...(table as Omit<CreateTableCommandInput, 'TableName'>), TableName: tableName, StreamSpecification: stream,
  }));
  await client.send(new UpdateTimeToLiveCommand({
    TableName: tableName,
    TimeToLiveSpecification: { AttributeName: TimeToLiveAttribute, Enabled: true },
  }));
  return true;
}
