/**
 * Over HTTP, against an API of this file's own (serverless offline serving this file's table): random ledger
 * workloads reconcile and match the model; generated bad requests on every route (wrong types, huge and negative
 * numbers, unicode, deep nesting, oversized bodies, duplicate keys, missing fields, bad tokens, other users' ids,
 * admin-only actions) always answer a 4xx problem and leave the table byte-for-byte unchanged; and nothing the API
 * printed holds a password, a hash or a token.
 */
import { ownTableName } from '../support/own-table';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { config } from '../../lib/config';
import { reconcileTable } from '../../lib/ledger/reconcile';
import { db } from '../../lib/storage/client';
import { createLocalTable } from '../../scripts/local/dynamo';
import { balancesOf, httpDriver } from '../support/drivers';
import { fuzzRequestArb, sendFuzz, type FuzzWorld } from '../support/fuzz';
import { buildFuzzWorld, startOwnApi, tableImage } from '../support/own-api';
import { runScenario, scenarioArb } from '../support/scenario';

const fuzzCount = Number(process.env.SAFETY_FUZZ_REQUESTS ?? 400);
let api: Awaited<ReturnType<typeof startOwnApi>>;
let world: FuzzWorld;
let secrets: string[];

beforeAll(async () => {
  expect(config.tableName).toBe(ownTableName);
  await createLocalTable(process.env.DYNAMODB_ENDPOINT!, ownTableName);
  api = await startOwnApi();
  ({ world, secrets } = await buildFuzzWorld(api.url));
}, 120_000);

afterAll(async () => {
  await api?.stop();
});

test('random workloads over HTTP reconcile and match the model', async () => {
  await fc.assert(
    fc.asyncProperty(scenarioArb({ commandsMax: 12, batchMax: 4 }), async (scenario) => {
      const run = await runScenario(httpDriver(api.url), scenario);
      const report = await reconcileTable();
      const problems = [
        ...run.problems,
        ...run.model.compareBalances(await balancesOf(run.accountIds)),
        ...report.violations.map((v) => `[${v.check}] ${v.subject}: ${v.detail}`),
      ];
      if (problems.length > 0) throw new Error(problems.join('\n'));
    }),
    { numRuns: 3 },
  );
}, 90_000);

test('generated bad requests on every route answer a 4xx problem and change nothing', async () => {
  const before = await tableImage();
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(fuzzRequestArb(world), async (request) => {
      const { status, problem } = await sendFuzz(api.url, request);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (problem) throw new Error(problem);
    }),
    { numRuns: fuzzCount },
  );
  expect(await tableImage()).toBe(before);
  // The run reached the refusals it is meant to: validation, auth, not found, forbidden and size.
  expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([400, 401, 403, 404]));
}, 90_000);

test('the API printed no password, password hash or token', async () => {
  const users = await db.send(new ScanCommand({
    TableName: ownTableName, FilterExpression: 'entity = :user', ExpressionAttributeValues: { ':user': 'user' },
  }));
  const hashes = (users.Items ?? []).map((item) => String(item.passwordHash));
  expect(hashes.length).toBeGreaterThanOrEqual(2);
  const output = api.output();
  expect(output).toContain('"message":"request"');
  for (const secret of [...secrets, ...hashes]) expect(output.includes(secret)).toBe(false);
  expect(output).not.toMatch(/\$argon2id?\$/);
  expect(output).not.toMatch(/eyJ[A-Za-z0-9_-]{8,}\.eyJ/);
});
