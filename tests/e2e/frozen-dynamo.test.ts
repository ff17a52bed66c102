/**
 * A hung DynamoDB, over HTTP: a private DynamoDB Local and API of this file's own, the database frozen (SIGSTOP)
 * while twelve keyed transfers are in flight. Each must answer inside the function's timeout with a 201 or a 503
 * problem of ours (never a 500 or the platform's own timeout), and once DynamoDB runs again (SIGCONT), a retry of each
 * with its key must post it exactly once.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { limits } from '../../lib/limits';
import { keys } from '../../lib/storage/keys';
import { sessionPut } from '../../lib/storage/sessions';
import { apiClient, type Answer, type ApiCall } from '../../scripts/local/api-client';
import { createLocalTable, localClient, startDynamo, type LocalDynamo } from '../../scripts/local/dynamo';
import { startApi, type LocalApi } from '../../scripts/local/offline';
import { freePort } from '../../scripts/local/ports';
import { jwtSecret } from '../support/env';
import { forgeToken } from '../support/tokens';

jest.setTimeout(180_000);

const transfersCount = 12;
/** How late past the function's timeout an answer may reach the client on a busy test machine (HTTP, the event loop). */
const deliveryMsMax = 1500;

let dynamo: LocalDynamo;
let api: LocalApi;
let call: ApiCall;
let output = '';
let tableName = '';

beforeAll(async () => {
  dynamo = await startDynamo(await freePort());
  tableName = `payments-frozen-${randomUUID().slice(0, 8)}`;
  await createLocalTable(dynamo.endpoint, tableName);
  api = await startApi({
    port: await freePort(), dynamoEndpoint: dynamo.endpoint, tableName, env: { JWT_SECRET: jwtSecret() },
    onOutput: (chunk) => { output += chunk; },
  });
  call = apiClient(api.url, limits.functionTimeoutMs * 3);
});

afterAll(async () => {
  if (dynamo?.running()) dynamo.process.kill('SIGCONT');
  await api?.stop();
  await dynamo?.stop();
});

test('frozen mid-flight, every transfer answers 201 or 503 in time, and the keyed retries post each exactly once', async () => {
  // The API reads every caller's standing from its table, so the admin is stored there first.
  const adminId = `admin-${randomUUID()}`;
  const client = DynamoDBDocumentClient.from(localClient(dynamo.endpoint));
  await client.send(new PutCommand({
    TableName: tableName,
    Item: { ...keys.user(adminId), entity: 'user', id: adminId, email: `${adminId}@example.com`, role: 'admin', passwordHash: 'unused', createdAt: new Date().toISOString() },
  }));
  // And so is a session of it, which its token names.
  const sessionId = randomUUID();
  const session = {
    id: sessionId, userId: adminId, userGeneration: 0, mfa: true, revoked: false, createdAt: new Date().toISOString(), expiresAt: Math.floor(Date.now() / 1000) + 3600,
  };
  await client.send(new PutCommand({ ...sessionPut(session).Put!, TableName: tableName }));
  client.destroy();
  const token = await forgeToken(jwtSecret(), { sub: adminId, sid: sessionId });
  const bank = await call('POST', '/v1/accounts', { token, json: { currency: 'USD', type: 'system' } });
  expect(bank.status).toBe(201);
  const shop = await call('POST', '/v1/accounts', { token, json: { currency: 'USD' } });
  const send = (i: number) => call('POST', '/v1/transfers', {
    token,
    json: { fromAccountId: bank.body.id, toAccountId: shop.body.id, amount: i + 1, currency: 'USD' },
    headers: { 'Idempotency-Key': `frozen-${i}` },
  });
  const timed = async (i: number): Promise<{ answer: Answer; elapsedMs: number }> => {
    const startedMs = Date.now();
    const answer = await send(i);
    return { answer, elapsedMs: Date.now() - startedMs };
  };
  const inFlight = Promise.all(Array.from({ length: transfersCount }, (_, i) => timed(i)));
  await new Promise((resolve) => setTimeout(resolve, 25));
  dynamo.process.kill('SIGSTOP');
  const first = await inFlight.finally(() => dynamo.process.kill('SIGCONT'));

  for (const { answer, elapsedMs } of first) {
    expect(elapsedMs).toBeLessThan(limits.functionTimeoutMs + deliveryMsMax);
    if (answer.status === 201) continue;
    expect(answer.status).toBe(503);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(['ledger_unavailable', 'storage_unavailable', 'ledger_busy']).toContain(answer.body.code);
  }
  // The freeze must have caught some transfers in flight, or this test tested nothing.
  expect(first.filter(({ answer }) => answer.status === 503).length).toBeGreaterThan(0);

  const retries = await Promise.all(Array.from({ length: transfersCount }, (_, i) => send(i)));
  expect(retries.map((answer) => answer.status)).toEqual(Array(transfersCount).fill(201));
  first.forEach(({ answer }, i) => {
    if (answer.status === 201) expect(retries[i]!.body.id).toBe(answer.body.id);
  });
  const statement = await call('GET', `/v1/accounts/${shop.body.id}/transactions?limit=100`, { token });
  expect(statement.body.data).toHaveLength(transfersCount);
  const balance = await call('GET', `/v1/accounts/${shop.body.id}/balance`, { token });
  expect(balance.body.balance).toBe((transfersCount * (transfersCount + 1)) / 2);
  expect(output).not.toContain('unhandled error');
});
