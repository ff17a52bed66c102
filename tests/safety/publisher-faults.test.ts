/**
 * The outbox under the API's failures (tests/support/faults.ts), read off this file's own table's real stream by npm
 * start's stream reader and published by the real publisher to a stand-in bus: a write whose answer was lost after it
 * committed (what an API that crashes mid-request leaves) is published once, and its retry with the key publishes
 * nothing more; a write that never reached the table publishes nothing. (Webhooks to a loopback receiver are refused
 * at this table's stage; tests/integration/publisher.test.ts follows them.)
 */
import { ownTableName } from '../support/own-table';
import { config } from '../../lib/config';
import { listEvents } from '../../lib/events/list';
import { createAccount } from '../../lib/ledger/accounts';
import { transfer } from '../../lib/ledger/transfers';
import { db } from '../../lib/storage/client';
import type { EventView } from '../../lib/events/view';
import { job } from '../../lib/jobs/publish-events';
import type { AccountView } from '../../lib/ledger/schemas';
import { createLocalTable } from '../../scripts/local/dynamo';
import { startStreamSource } from '../../scripts/local/stream-source';
import { startEventBusStub } from '../support/event-bus-stub';
import { FaultInjector } from '../support/faults';
import { errorOf, newBank, newCaller } from '../support/ledger-fixtures';

jest.setTimeout(60_000);

const faults = new FaultInjector(db).install();
const shutdown = new AbortController();
let stopped: Promise<void>;
let bus: Awaited<ReturnType<typeof startEventBusStub>>;

beforeAll(async () => {
  expect(config.tableName).toBe(ownTableName);
  await createLocalTable(process.env.DYNAMODB_ENDPOINT!, ownTableName);
  bus = await startEventBusStub();
  // The publisher's bus is read from the environment when its module loads, as a deployed function's is.
  process.env.EVENT_BUS_NAME = 'payments-safety';
  process.env.EVENTBRIDGE_ENDPOINT = bus.url;
  const { handler } = await import('../../functions/jobs/publish-events');
  ({ stopped } = await startStreamSource({
    endpoint: process.env.DYNAMODB_ENDPOINT!, tableName: ownTableName, functionName: 'serverless-payments-test-publishEvents', job, handler,
    shutdown: shutdown.signal,
  }));
});

afterEach(() => faults.disable());

afterAll(async () => {
  shutdown.abort();
  await stopped;
  delete process.env.EVENT_BUS_NAME;
  delete process.env.EVENTBRIDGE_ENDPOINT;
  await bus.close();
});

/** The `transaction.posted` events the bus took that credit `account`, once `count` of them are there (at most 20 s). */
async function postedTo(account: AccountView, count: number): Promise<string[]> {
  const ids = () => bus.taken
    .map((entry) => JSON.parse(entry.Detail) as EventView)
    .filter((event) => event.type === 'transaction.posted' && event.data.accounts.some(({ accountId }) => accountId === account.id))
    .map((event) => event.id);
  for (const startedMs = Date.now(); ids().length < count; await new Promise((resolve) => setTimeout(resolve, 200))) {
    if (Date.now() - startedMs > 20_000) throw new Error(`${ids().length} of ${count} events reached the bus`);
  }
  // Anything more would come within the stream reader's next reads.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  return ids();
}

test('a transfer committed while its API lost the answer is published once, and its retry with the key publishes nothing more', async () => {
  const payee = newCaller();
  const wallet = await createAccount(payee, { currency: 'USD' });
  const bank = await newBank();
  const funding = { fromAccountId: bank.system.id, toAccountId: wallet.id, amount: 500, currency: 'USD' as const };
  faults.force('write', 'lostAlways', 'lostAlways', 'lostAlways');
  expect(await errorOf(() => transfer(bank.admin, funding, 'lost-answer'))).toMatchObject({ status: 503, code: 'ledger_unavailable' });
  faults.disable();
  expect(await transfer(bank.admin, funding, 'lost-answer')).toMatchObject({ replayed: true });
  const events = (await listEvents(payee, { limit: 10, type: 'transaction.posted' })).data;
  expect(events).toHaveLength(1);
  expect(await postedTo(wallet, 1)).toEqual([events[0]!.id]);
});

test('a transfer whose writes never reached the table publishes nothing', async () => {
  const payee = newCaller();
  const wallet = await createAccount(payee, { currency: 'USD' });
  const bank = await newBank();
  faults.force('write', 'downAlways', 'downAlways', 'downAlways');
  expect(await errorOf(() => transfer(bank.admin, { fromAccountId: bank.system.id, toAccountId: wallet.id, amount: 5, currency: 'USD' })))
    .toMatchObject({ status: 503 });
  faults.disable();
  // A transfer that commits after it is the only one the wallet ever posted.
  await bank.fund(wallet, 7);
  const events = (await listEvents(payee, { limit: 10, type: 'transaction.posted' })).data;
  expect(events).toHaveLength(1);
  expect(await postedTo(wallet, 1)).toEqual([events[0]!.id]);
});
