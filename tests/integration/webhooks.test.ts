import { Webhook } from 'standardwebhooks';
import { getEvent, listEvents } from '../../lib/events/list';
import { eventView } from '../../lib/events/view';
import { createAccount } from '../../lib/ledger/accounts';
import { transfer } from '../../lib/ledger/transfers';
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../../lib/config';
import { db } from '../../lib/storage/client';
import { eventRetentionDays } from '../../lib/events/model';
import { findEvent } from '../../lib/storage/events';
import { keys } from '../../lib/storage/keys';
import type { Caller } from '../../lib/identity/model';
import { findDelivery } from '../../lib/storage/webhook-deliveries';
import { attemptDelivery, deliverDue } from '../../lib/webhooks/deliver';
import { createEndpoint, listAttempts, removeEndpoint } from '../../lib/webhooks/endpoints';
import { deliveryIdOf, enqueueDeliveries } from '../../lib/webhooks/enqueue';
import { retryWindowMs } from '../../lib/webhooks/schedule';
import { sendWebhook } from '../../lib/webhooks/send';
import { newBank, newCaller } from '../support/ledger-fixtures';
import { accountEvent, startReceiver, type Behaviour } from '../support/webhooks';

/*
 * Webhook delivery against DynamoDB Local and real loopback receivers in this process. Time is driven with `nowMs`
 * where a test needs hours to pass; a receiver that hangs is given its real 5 s. Other test files may have deliveries
 * due at the same time, so a test attempts its own deliveries (`attemptDelivery`) when it moves time forward, and
 * checks what its own receivers got rather than what a pass counted.
 */

const receivers: Array<{ close: () => Promise<void> }> = [];
afterAll(() => Promise.all(receivers.map((receiver) => receiver.close())));

/** A receiver and an endpoint of `caller` pointing at it. */
async function hook(caller: Caller, behaviour?: Behaviour, events: Parameters<typeof createEndpoint>[1]['events'] = ['*']) {
  const receiver = await startReceiver(behaviour);
  receivers.push(receiver);
  const endpoint = await createEndpoint(caller, { url: receiver.url, events });
  return { receiver, endpoint };
}

/** The delivery of an event to an endpoint, as stored. */
async function deliveryOf(eventId: string, endpointId: string) {
  return findDelivery(deliveryIdOf(eventId, endpointId));
}

describe('webhook delivery', () => {
  it('signs each delivery as Standard Webhooks, with the event id as webhook-id, and enqueues an event once', async () => {
    const owner = newCaller();
    const { receiver, endpoint } = await hook(owner);
    const event = accountEvent(owner.userId);
    expect(await enqueueDeliveries(event)).toBeGreaterThanOrEqual(1);
    // The outbox is at least once: the same event again creates nothing.
    const first = await deliveryOf(event.id, endpoint.id);
    await enqueueDeliveries(event);
    expect(await deliveryOf(event.id, endpoint.id)).toEqual(first);
    await deliverDue();
    await deliverDue();
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request!.headers['webhook-id']).toBe(event.id);
    expect(Math.abs(Number(request!.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(10);
    expect(request!.headers['content-type']).toBe('application/json');
    const verified = new Webhook(endpoint.secret).verify(request!.body, request!.headers as Record<string, string>);
    expect(verified).toEqual(JSON.parse(JSON.stringify(eventView(owner, event))));
    expect(() => new Webhook(endpoint.secret).verify(request!.body.replace('Wallet', 'Wa11et'), request!.headers as Record<string, string>)).toThrow();
    const attempts = await listAttempts(owner, endpoint.id, { limit: 10 });
    expect(attempts.data).toEqual([expect.objectContaining({
      eventId: event.id, eventType: 'account.created', attempt: 1, statusCode: 200, outcome: 'delivered', error: null, nextAttemptAt: null,
    })]);
    expect((await deliveryOf(event.id, endpoint.id))).toMatchObject({ status: 'delivered', attempts: 1 });
  });

  it('reads an endpoint once in a pass that attempts several of its deliveries', async () => {
    const owner = newCaller();
    const { receiver, endpoint } = await hook(owner);
    const events = [accountEvent(owner.userId), accountEvent(owner.userId), accountEvent(owner.userId)];
    for (const event of events) await enqueueDeliveries(event);
    const endpointKey = keys.webhookEndpoint(endpoint.id).pk;
    let endpointReads = 0;
    db.middlewareStack.add((next, context) => async (args) => {
      const key = (args.input as { Key?: { pk?: string } }).Key;
      if (String(context.commandName).startsWith('Get') && key?.pk === endpointKey) endpointReads += 1;
      return next(args);
    }, { step: 'initialize', name: 'countEndpointReads' });
    try {
      await deliverDue();
    } finally {
      db.middlewareStack.remove('countEndpointReads');
    }
    expect(receiver.received.map((request) => request.headers['webhook-id']).sort()).toEqual(events.map((event) => event.id).sort());
    expect(endpointReads).toBe(1);
  });

  it('keeps a settled delivery and its attempts as long as events are kept, and a pending one until it settles', async () => {
    const owner = newCaller();
    const { endpoint } = await hook(owner);
    const event = accountEvent(owner.userId);
    await enqueueDeliveries(event);
    const id = deliveryIdOf(event.id, endpoint.id);
    const stored = async () => (await db.send(new GetCommand({ TableName: config.tableName, Key: keys.webhookDelivery(id), ConsistentRead: true }))).Item!;
    expect((await stored()).expiresAt).toBeUndefined();
    const before = Math.floor(Date.now() / 1000);
    expect(await attemptDelivery((await deliveryOf(event.id, endpoint.id))!, Date.now())).toBe('delivered');
    const kept = eventRetentionDays * 24 * 3600;
    expect((await stored()).expiresAt).toBeGreaterThanOrEqual(before + kept);
    expect((await stored()).expiresAt).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + kept);
    const attempts = await db.send(new QueryCommand({
      TableName: config.tableName, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': keys.webhookAttempts(endpoint.id).pk },
    }));
    expect(attempts.Items!.map((item) => item.expiresAt)).toEqual([(await stored()).expiresAt]);
  });

  it('retries a receiver that fails its first attempts with backoff, and records every attempt', async () => {
    const owner = newCaller();
    const { receiver, endpoint } = await hook(owner, (n) => (n < 2 ? 500 : 204));
    const event = accountEvent(owner.userId, 'account.updated');
    await enqueueDeliveries(event);
    const t0 = Date.now();
    expect(await attemptDelivery((await deliveryOf(event.id, endpoint.id))!, t0)).toBe('retrying');
    const afterFirst = (await deliveryOf(event.id, endpoint.id))!;
    const firstWaitMs = Date.parse(afterFirst.nextAttemptAt!) - t0;
    expect(firstWaitMs).toBeGreaterThanOrEqual(5_000);
    expect(firstWaitMs).toBeLessThanOrEqual(5_500);
    // Not due yet: the claim refuses it, and the receiver hears nothing.
    expect(await attemptDelivery(afterFirst, t0 + 1_000)).toBe('skipped');
    expect(receiver.received).toHaveLength(1);
    const t1 = Date.parse(afterFirst.nextAttemptAt!);
    expect(await attemptDelivery(afterFirst, t1)).toBe('retrying');
    const afterSecond = (await deliveryOf(event.id, endpoint.id))!;
    expect(Date.parse(afterSecond.nextAttemptAt!) - t1).toBeGreaterThanOrEqual(30_000);
    expect(await attemptDelivery(afterSecond, Date.parse(afterSecond.nextAttemptAt!))).toBe('delivered');
    expect(receiver.received.map((request) => request.headers['webhook-id'])).toEqual([event.id, event.id, event.id]);
    const { data } = await listAttempts(owner, endpoint.id, { limit: 10 });
    expect(data.map(({ attempt, statusCode, outcome, error }) => ({ attempt, statusCode, outcome, error }))).toEqual([
      { attempt: 3, statusCode: 204, outcome: 'delivered', error: null },
      { attempt: 2, statusCode: 500, outcome: 'retrying', error: 'status' },
      { attempt: 1, statusCode: 500, outcome: 'retrying', error: 'status' },
    ]);
    expect(await deliveryOf(event.id, endpoint.id)).toMatchObject({ status: 'delivered', attempts: 3, nextAttemptAt: null });
  });

  it('gives up once 24 hours have passed since the first attempt, and keeps the failed delivery', async () => {
    const owner = newCaller();
    const { receiver, endpoint } = await hook(owner, () => 503);
    const event = accountEvent(owner.userId);
    await enqueueDeliveries(event);
    const t0 = Date.now();
    let nowMs = t0;
    let outcome = '';
    for (let attempts = 0; attempts < 20 && outcome !== 'failed'; attempts += 1) {
      const delivery = (await deliveryOf(event.id, endpoint.id))!;
      nowMs = delivery.nextAttemptAt ? Date.parse(delivery.nextAttemptAt) : nowMs;
      outcome = await attemptDelivery(delivery, nowMs);
    }
    expect(outcome).toBe('failed');
    expect(nowMs - t0).toBeGreaterThanOrEqual(retryWindowMs);
    const failed = await deliveryOf(event.id, endpoint.id);
    expect(failed).toMatchObject({ status: 'failed', nextAttemptAt: null });
    expect(receiver.received.length).toBe(failed!.attempts);
    expect(failed!.attempts).toBeGreaterThanOrEqual(10);
    const page = await listAttempts(owner, endpoint.id, { limit: 2 });
    expect(page.data.map((attempt) => attempt.outcome)).toEqual(['failed', 'retrying']);
    const next = await listAttempts(owner, endpoint.id, { limit: 2, cursor: page.nextCursor! });
    expect(next.data.map((attempt) => attempt.attempt)).toEqual([failed!.attempts - 2, failed!.attempts - 3]);
  });

  it('delivers to a healthy endpoint at once while another hangs, which times out after 5 s and is retried', async () => {
    const owner = newCaller();
    const slow = await hook(owner, () => 'hang');
    const fast = await hook(owner);
    const event = accountEvent(owner.userId);
    await enqueueDeliveries(event);
    const startedMs = Date.now();
    await deliverDue();
    const passMs = Date.now() - startedMs;
    expect(fast.receiver.received).toHaveLength(1);
    expect(fast.receiver.received[0]!.atMs - startedMs).toBeLessThan(2_000);
    expect(slow.receiver.received).toHaveLength(1);
    expect(passMs).toBeGreaterThanOrEqual(4_900);
    expect(passMs).toBeLessThan(15_000);
    const [timedOut] = (await listAttempts(owner, slow.endpoint.id, { limit: 5 })).data;
    expect(timedOut).toMatchObject({ statusCode: null, outcome: 'retrying', error: 'timeout' });
    expect(timedOut!.durationMs).toBeGreaterThanOrEqual(4_900);
    expect((await listAttempts(owner, fast.endpoint.id, { limit: 5 })).data[0]).toMatchObject({ outcome: 'delivered' });
    await removeEndpoint(owner, slow.endpoint.id);
  }, 30_000);

  it('delivers an event of the outbox to each side of a transfer as GET /v1/events shows it to that side, and to no one else', async () => {
    const bank = await newBank('EUR');
    const payer = newCaller();
    const payee = newCaller();
    const stranger = newCaller();
    const wallet = await createAccount(payer, { currency: 'EUR' });
    const till = await createAccount(payee, { currency: 'EUR' });
    await bank.fund(wallet, 5_000);
    const hooks = { payer: await hook(payer, undefined, ['transaction.posted']), payee: await hook(payee), stranger: await hook(stranger) };
    await transfer(payer, { fromAccountId: wallet.id, toAccountId: till.id, amount: 1_250, currency: 'EUR' });
    const [posted] = (await listEvents(payer, { type: 'transaction.posted', limit: 1 })).data;
    const event = (await findEvent(posted!.id))!;
    await enqueueDeliveries(event);
    for (const side of ['payer', 'payee', 'stranger'] as const) {
      const delivery = await deliveryOf(event.id, hooks[side].endpoint.id);
      if (side === 'stranger') expect(delivery).toBeUndefined();
      else await attemptDelivery(delivery!, Date.now());
    }
    const bodyOf = (side: 'payer' | 'payee') => JSON.parse(hooks[side].receiver.received.find((r) => r.headers['webhook-id'] === event.id)!.body);
    expect(bodyOf('payer')).toEqual(JSON.parse(JSON.stringify(await getEvent(payer, event.id))));
    expect(bodyOf('payee')).toEqual(JSON.parse(JSON.stringify(await getEvent(payee, event.id))));
    expect(bodyOf('payer')).toMatchObject({ type: 'transaction.posted', data: { amount: 1_250 } });
    expect(hooks.stranger.receiver.received).toHaveLength(0);
  });

  it('sends an endpoint only the events its owner may read, of the types it subscribed to', async () => {
    const me = newCaller();
    const other = newCaller();
    const mine = await hook(me, undefined, ['account.updated']);
    const everything = await hook(me);
    const admin = await hook(newCaller('admin'));
    const adminWithoutMfa = await hook(newCaller('admin', false));
    const othersEvent = accountEvent(other.userId);
    const myCreated = accountEvent(me.userId, 'account.created');
    for (const event of [othersEvent, myCreated]) await enqueueDeliveries(event);
    expect(await deliveryOf(othersEvent.id, mine.endpoint.id)).toBeUndefined();
    expect(await deliveryOf(othersEvent.id, everything.endpoint.id)).toBeUndefined();
    expect(await deliveryOf(othersEvent.id, adminWithoutMfa.endpoint.id)).toBeUndefined();
    expect(await deliveryOf(othersEvent.id, admin.endpoint.id)).toBeDefined();
    expect(await deliveryOf(myCreated.id, mine.endpoint.id)).toBeUndefined();
    expect(await deliveryOf(myCreated.id, everything.endpoint.id)).toBeDefined();
    // An event that touches both users' accounts reaches both.
    const shared = { ...accountEvent(other.userId, 'account.updated'), ownerIds: [other.userId, me.userId] };
    await enqueueDeliveries(shared);
    expect(await deliveryOf(shared.id, mine.endpoint.id)).toBeDefined();
    // An admin-scoped endpoint receives every event: it goes, so that the rest of the suite's events do not queue for it.
    await removeEndpoint(newCaller('admin'), admin.endpoint.id);
  });

  it('tells a timeout, a refused connection, a refused address and a non-2xx apart, without following redirects', async () => {
    const local = { allowLoopback: true };
    const hanging = await startReceiver(() => 'hang');
    receivers.push(hanging);
    expect(await sendWebhook(hanging.url, {}, '{}', local, 300)).toMatchObject({ statusCode: null, error: 'timeout' });
    const closed = await startReceiver();
    await closed.close();
    expect(await sendWebhook(closed.url, {}, '{}', local)).toMatchObject({ statusCode: null, error: 'connection' });
    expect(await sendWebhook('http://10.0.0.1/x', {}, '{}', local)).toMatchObject({ statusCode: null, error: 'address_refused' });
    const redirecting = await startReceiver(() => 302);
    receivers.push(redirecting);
    expect(await sendWebhook(redirecting.url, {}, '{}', local)).toMatchObject({ statusCode: 302, error: 'status' });
    expect(redirecting.received).toHaveLength(1);
  });

  it('holds an owner to 20 live endpoints, counting a deleted one out, also when many register at once', async () => {
    const owner = newCaller();
    const body = { url: 'http://127.0.0.1:9/limit', events: ['*'] as ['*'] };
    const outcomes = await Promise.allSettled(Array.from({ length: 24 }, () => createEndpoint(owner, body)));
    const created = outcomes.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
    expect(created.length).toBeLessThanOrEqual(20);
    // A registration that met another on the owner's count wrote nothing, and says to retry.
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect(['webhook_endpoint_limit', 'storage_unavailable']).toContain(outcome.reason.code);
    }
    while (created.length < 20) created.push(await createEndpoint(owner, body));
    await expect(createEndpoint(owner, body)).rejects.toMatchObject({ code: 'webhook_endpoint_limit', status: 422 });
    await removeEndpoint(owner, created[0]!.id);
    await expect(removeEndpoint(owner, created[0]!.id)).rejects.toMatchObject({ code: 'webhook_endpoint_not_found' });
    await createEndpoint(owner, body);
    await expect(createEndpoint(owner, body)).rejects.toMatchObject({ code: 'webhook_endpoint_limit' });
    // Another owner's count is its own.
    await createEndpoint(newCaller(), body);
  });

  it('drops the deliveries of a deleted endpoint, and checks the address again at each delivery', async () => {
    const owner = newCaller();
    const gone = await hook(owner);
    const event = accountEvent(owner.userId);
    await enqueueDeliveries(event);
    await removeEndpoint(owner, gone.endpoint.id);
    expect(await attemptDelivery((await deliveryOf(event.id, gone.endpoint.id))!, Date.now())).toBe('skipped');
    expect(await deliveryOf(event.id, gone.endpoint.id)).toMatchObject({ status: 'cancelled', nextAttemptAt: null });
    expect(gone.receiver.received).toHaveLength(0);
    const later = accountEvent(owner.userId);
    await enqueueDeliveries(later);
    expect(await deliveryOf(later.id, gone.endpoint.id)).toBeUndefined();

    // Registered where loopback was allowed, attempted where it is not (a name that now resolves to 127.0.0.1).
    const kept = await hook(owner);
    await enqueueDeliveries(later);
    const outcome = await attemptDelivery((await deliveryOf(later.id, kept.endpoint.id))!, Date.now(), { allowLoopback: false });
    expect(outcome).toBe('retrying');
    expect(kept.receiver.received).toHaveLength(0);
    expect((await listAttempts(owner, kept.endpoint.id, { limit: 1 })).data[0]).toMatchObject({ statusCode: null, error: 'address_refused' });
  });
});
