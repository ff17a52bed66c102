import { randomUUID } from 'node:crypto';
import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import definition from '../../lib/storage/table.json';
import { ensureTable } from '../../lib/storage/table';
import { localClient } from '../../scripts/local/dynamo';
import { dynamoEndpoint } from '../support/env';

/*
 * The table npm start and npm test create (lib/storage/table.ts), on DynamoDB Local: with the outbox's stream, and a
 * table kept from before the stream (a persisted `npm start`) given its stream, so the publisher has one to read.
 */

const client = localClient(dynamoEndpoint());
const made: string[] = [];

afterAll(async () => {
  await Promise.all(made.map((name) => client.send(new DeleteTableCommand({ TableName: name }))));
  client.destroy();
});

/** A table name of this file's own. */
function ownName(): string {
  const name = `payments-table-${randomUUID().slice(0, 8)}`;
  made.push(name);
  return name;
}

test('creates the table with its stream of new images, once', async () => {
  const name = ownName();
  expect(await ensureTable(client, name)).toBe(true);
  expect(await ensureTable(client, name)).toBe(false);
  const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
  expect(Table!.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: definition.StreamViewType });
});

test('gives a table kept from before the outbox its stream', async () => {
  const name = ownName();
  const { TimeToLiveAttribute: _ttl, StreamViewType: _view, ...table } = definition;
  await client.send(new CreateTableCommand({ ...(table as Omit<CreateTableCommandInput, 'TableName'>), TableName: name }));
  expect((await client.send(new DescribeTableCommand({ TableName: name }))).Table!.StreamSpecification).toBeUndefined();
  expect(await ensureTable(client, name)).toBe(false);
  const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
  expect(Table!.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: definition.StreamViewType });
});
