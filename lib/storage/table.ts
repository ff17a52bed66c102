import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import definition from './table.json';

/**
 * Creates the table if it is missing, from `table.json`: the same key schema, indexes and TTL attribute that
 * `serverless.yml` deploys. Returns whether it created the table.
 */
export async function ensureTable(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return false;
  } catch (error) {
    if (!(error instanceof ResourceNotFoundException)) throw error;
  }
  const { TimeToLiveAttribute, ...table } = definition;
  await client.send(new CreateTableCommand({ ...(table as Omit<CreateTableCommandInput, 'TableName'>), TableName: tableName }));
  await client.send(new UpdateTimeToLiveCommand({
    TableName: tableName,
    TimeToLiveSpecification: { AttributeName: TimeToLiveAttribute, Enabled: true },
  }));
  return true;
}
