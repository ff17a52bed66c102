import { Webhook } from 'standardwebhooks';
import { listEvents } from '../../lib/events/list';
import type { EventView } from '../../lib/events/view';
import type { StreamJob } from '../../lib/jobs/job';
import { createAccount } from '../../lib/ledger/accounts';
import { transfer } from '../../lib/ledger/transfers';
import { deliverDue } from '../../lib/webhooks/deliver';
import { createEndpoint } from '../../lib/webhooks/endpoints';
import { startStreamSource, type LambdaStreamRecord, type StreamHandler } from '../../scripts/local/stream-source';
import { dynamoEndpoint, tableName } from '../support/env';
import { startEventBusStub } from '../support/event-bus-stub';
import { errorOf, newBank, newCaller } from '../support/ledger-fixtures';
import { startReceiver } from '../support/webhooks';

/*
 * The outbox's publisher (functions/jobs/publish-events.ts) on DynamoDB Local's real stream, read by npm start's
 * stream reader (scripts/local/stream-source.ts) as Lambda's event source mapping reads it in AWS, putting events on
 * a stand-in EventBridge bus and enqueueing webhooks that a loopback receiver gets. The stream carries every event of
 * the suite; each test hands the publisher only its own users' events, so it enqueues nothing for the endpoints of
 * tests running beside it.
 */

jest.setTimeout(60_000);

const functionName = 'serverless-payments-test-publishEvents';
let bus: Awaited<ReturnType<typeof startEventBusStub>>;
let handler: StreamHandler;
let job: StreamJob;
let republish: typeof import('../../lib/events/republish');
let eventBus: typeof import('../../lib/storage/event-bus');

beforeAll(async () => {
  bus = await startEventBusStub();
  // The publisher's bus is read from the environment when its module loads, as a deployed function's is.
  process.env.EVENT_BUS_NAME = 'payments-test';
  process.env.EVENTBRIDGE_ENDPOINT = bus.url;
  ({ handler } = await import('../../functions/jobs/publish-events'));
  ({ job } = await import('../../lib/jobs/publish-events'));
  republish = await import('../../lib/events/republish');
  eventBus = await import('../../lib/storage/event-bus');
});

afterAll(async () => {
  // A jest worker runs other files after this one, in this process: they must not find the stand-in's bus.
  delete process.env.EVENT_BUS_NAME;
  delete process.env.EVENTBRIDGE_ENDPOINT;
  await bus.close();
});

/** The owners an event record's new image names. */
function ownersOf(record: LambdaStreamRecord): string[] {
  const list = (record.dynamodb.NewImage as { ownerIds?: { L?: Array<{ S?: string }> } } | undefined)?.ownerIds?.L ?? [];
  return list.map((value) => String(value.S));
}

/** Reads the stream with the real handler, handed only the events of `owners`, until the test ends. */
async function publishFor(owners: string[], wrap: (next: StreamHandler) => StreamHandler = (next) => next, override: Partial<StreamJob['stream']> = {}) {
  const shutdown = new AbortController();
  const givenUp: string[] = [];
  const inner = wrap(handler);
  const source = await startStreamSource({
    endpoint: dynamoEndpoint(),
    tableName: tableName(),
    functionName,
    job: { ...job, stream: { ...job.stream, ...override } },
    handler: async (event, context) => {
      const mine = event.Records.filter((record) => ownersOf(record).some((id) => owners.includes(id)));
      return mine.length > 0 ? inner({ Records: mine }, context) : { batchItemFailures: [] };
    },
    onGivenUp: ({ firstSequence }) => givenUp.push(firstSequence),
    shutdown: shutdown.signal,
  });
  return { givenUp, stop: async () => { shutdown.abort(); await source.stopped; } };
}

/** A payee's wallet whose `transaction.posted` events go to a loopback receiver, and a bank to fund it. */
async function receivingWallet() {
  const receiver = await startReceiver();
  const payee = newCaller();
  const wallet = await createAccount(payee, { currency: 'USD' });
  await createEndpoint(payee, { url: receiver.url, events: ['transaction.posted'] });
  return { receiver, payee, wallet, bank: await newBank() };
}

/** The `webhook-id` of every request a receiver got, sorted. */
function webhookIds(receiver: { received: Array<{ headers: Record<string, unknown> }> }): unknown[] {
  return receiver.received.map((request) => request.headers['webhook-id']).sort();
}

/** Waits until `done` holds, delivering due webhooks meanwhile, for at most 20 s. */
async function until(done: () => boolean): Promise<void> {
  for (const startedMs = Date.now(); !done(); await new Promise((resolve) => setTimeout(resolve, 200))) {
    if (Date.now() - startedMs > 20_000) throw new Error('timed out waiting for the publisher');
    await deliverDue();
  }
}

test('a committed transfer reaches the bus and the payee\'s receiver once, signed, as GET /v1/events shows it; a refused one emits nothing', async () => {
  const receiver = await startReceiver();
  const payee = newCaller();
  const publisher = await publishFor([payee.userId]);
  try {
    const bank = await newBank();
    const wallet = await createAccount(payee, { currency: 'USD' });
    const other = await createAccount(newCaller(), { currency: 'USD' });
    const endpoint = await createEndpoint(payee, { url: receiver.url, events: ['transaction.posted'] });
    await bank.fund(wallet, 700);
    expect((await errorOf(() => transfer(payee, { fromAccountId: wallet.id, toAccountId: other.id, amount: 701, currency: 'USD' }))).code)
      .toBe('insufficient_funds');
    const events = (await listEvents(payee, { limit: 10 })).data;
    expect(events.map((event) => event.type).sort()).toEqual(['account.created', 'transaction.posted']);
    await until(() => receiver.received.length >= 1 && events.every((event) => bus.ids().includes(event.id)));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await deliverDue();
    const posted = events.find((event) => event.type === 'transaction.posted')!;
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.headers['webhook-id']).toBe(posted.id);
    expect(new Webhook(endpoint.secret).verify(receiver.received[0]!.body, receiver.received[0]!.headers as Record<string, string>)).toEqual(posted);
    // On the bus: each event once, typed, as an admin reads it.
    const mine = bus.taken.filter((entry) => events.some((event) => (JSON.parse(entry.Detail) as EventView).id === event.id));
    expect(mine.map((entry) => [entry.EventBusName, entry.Source, entry.DetailType]).sort())
      .toEqual([['payments-test', 'serverless-payments', 'account.created'], ['payments-test', 'serverless-payments', 'transaction.posted']]);
    expect((JSON.parse(mine.find((entry) => entry.DetailType === 'transaction.posted')!.Detail) as EventView).data.initiatedBy).toMatchObject({ userId: bank.admin.userId });
  } finally {
    await publisher.stop();
    await receiver.close();
  }
});

test('entries the bus refuses are published again from the first refused one: nothing is lost, and each event has one delivery', async () => {
  const { receiver, payee, wallet, bank } = await receivingWallet();
  bus.state.refuseNext = 3;
  const publisher = await publishFor([payee.userId]);
  try {
    for (let n = 1; n <= 6; n += 1) await bank.fund(wallet, n);
    const events = (await listEvents(payee, { limit: 10, type: 'transaction.posted' })).data;
    expect(events).toHaveLength(6);
    await until(() => events.every((event) => bus.ids().includes(event.id)) && receiver.received.length >= 6);
    expect(bus.state.refuseNext).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await deliverDue();
    expect(webhookIds(receiver)).toEqual(events.map((event) => event.id).sort());
  } finally {
    await publisher.stop();
    await receiver.close();
  }
});

test('a publisher that crashes halfway through a batch loses nothing: the batch comes again, and its webhooks keep their ids', async () => {
  const { receiver, payee, wallet, bank } = await receivingWallet();
  for (let n = 1; n <= 4; n += 1) await bank.fund(wallet, n);
  let crashes = 0;
  // The first batch with events in it: the first half is published, then the function dies.
  const crashOnce = (next: StreamHandler): StreamHandler => async (event, context) => {
    if (crashes > 0 || event.Records.length < 2) return next(event, context);
    crashes += 1;
    await next({ Records: event.Records.slice(0, Math.floor(event.Records.length / 2)) }, context);
    throw new Error('the function crashed');
  };
  const publisher = await publishFor([payee.userId], crashOnce);
  try {
    const events = (await listEvents(payee, { limit: 10, type: 'transaction.posted' })).data;
    await until(() => receiver.received.length >= 4);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await deliverDue();
    expect(crashes).toBe(1);
    expect(webhookIds(receiver)).toEqual(events.map((event) => event.id).sort());
  } finally {
    await publisher.stop();
    await receiver.close();
  }
});

test('a record that never publishes is given up after the job\'s retries, as the failure queue would be told, and the events after it go on', async () => {
  const payee = newCaller();
  const wallet = await createAccount(payee, { currency: 'USD' });
  const bank = await newBank();
  await bank.fund(wallet, 5);
  await bank.fund(wallet, 6);
  const [later, poisoned] = (await listEvents(payee, { limit: 2, type: 'transaction.posted' })).data;
  // The older transfer's event image is spoiled on its way to the function, as a writer's bug would leave it.
  const spoil = (next: StreamHandler): StreamHandler => (event, context) => next({
    Records: event.Records.map((record) => ((record.dynamodb.Keys as { pk: { S: string } }).pk.S === `EVENT#${poisoned!.id}`
      ? { ...record, dynamodb: { ...record.dynamodb, NewImage: { ...record.dynamodb.NewImage as object, type: { S: 'bogus' } } } }
      : record)),
  }, context);
  const publisher = await publishFor([payee.userId], spoil, { retryAttemptsMax: 2 });
  try {
    await until(() => bus.ids().includes(later!.id));
    expect(publisher.givenUp).toHaveLength(1);
    expect(bus.ids()).not.toContain(poisoned!.id);
  } finally {
    await publisher.stop();
  }
});

test('a span republished from the feed reaches the bus again with the same ids, and enqueues no second delivery', async () => {
  const { receiver, payee, wallet, bank } = await receivingWallet();
  const from = new Date().toISOString();
  await bank.fund(wallet, 7);
  await bank.fund(wallet, 8);
  const to = new Date().toISOString();
  const events = (await listEvents(payee, { limit: 2, type: 'transaction.posted' })).data;
  try {
    const testBus = eventBus.createEventBus('payments-test', bus.url);
    for (let run = 0; run < 2; run += 1) {
      expect((await republish.republishSpan(from, to, testBus)).published).toBeGreaterThanOrEqual(2);
    }
    for (const event of events) expect(bus.ids().filter((id) => id === event.id)).toHaveLength(2);
    await until(() => receiver.received.length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await deliverDue();
    expect(webhookIds(receiver)).toEqual(events.map((event) => event.id).sort());
  } finally {
    await receiver.close();
  }
});
