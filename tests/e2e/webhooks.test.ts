import { Webhook } from 'standardwebhooks';
import { handler as deliverHandler } from '../../functions/jobs/deliver-webhooks';
import { enqueueDeliveries } from '../../lib/webhooks/enqueue';
import { call, expectProblem } from '../support/http';
import { adminSession, signUp } from '../support/sessions';
import { accountEvent, startReceiver } from '../support/webhooks';

/*
 * Webhook endpoints over HTTP, and the delivery job invoked as EventBridge would, in this process, with a Lambda-like
 * context so that the IAM proof records its calls. Events are enqueued as the outbox's publisher does
 * (`enqueueDeliveries`), with records made here.
 */

/** The delivery job, invoked as EventBridge would, with 20 s left: a pass every second while one more fits. */
function runDelivery() {
  const deadlineMs = Date.now() + 20_000;
  return deliverHandler({}, { functionName: 'serverless-payments-test-deliverWebhooks', getRemainingTimeInMillis: () => deadlineMs - Date.now() });
}

/**
 * Runs the job until `done` holds, for at most 10 s. These passes are the only ones: the serverless offline our scripts
 * start leaves this job's schedule to npm start's sweeper, which the tests do not run.
 */
async function deliverUntil(done: () => boolean) {
  for (const startedMs = Date.now(); !done() && Date.now() - startedMs < 10_000;) {
    await runDelivery();
    if (!done()) await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('webhook endpoints over HTTP', () => {
  it('registers, lists, reads, delivers signed events, lists the attempts, and deletes', async () => {
    const receiver = await startReceiver((n) => (n === 0 ? 500 : 200));
    try {
      const user = await signUp();
      const created = await call('POST', '/v1/webhook-endpoints', {
        token: user.token, json: { url: receiver.url, events: ['account.created', 'account.updated'], description: 'Orders service' },
      });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({
        id: expect.any(String), ownerId: user.id, url: receiver.url, events: ['account.created', 'account.updated'],
        description: 'Orders service', secret: expect.stringMatching(/^whsec_/), createdAt: expect.any(String),
      });
      const { id, secret } = created.body as { id: string; secret: string };
      expect(created.headers.get('location')).toBe(`/v1/webhook-endpoints/${id}`);
      const { secret: _shownOnce, ...shown } = created.body;
      expect((await call('GET', `/v1/webhook-endpoints/${id}`, { token: user.token })).body).toEqual(shown);
      const listed = await call('GET', '/v1/webhook-endpoints', { token: user.token });
      expect(listed.body).toEqual({ data: [shown], nextCursor: null });

      // Two events: the first attempt of one fails (500) and is retried later; the other is delivered.
      const first = accountEvent(user.id);
      const second = accountEvent(user.id, 'account.updated');
      expect(await enqueueDeliveries(first)).toBeGreaterThanOrEqual(1);
      await deliverUntil(() => receiver.received.length >= 1);
      await enqueueDeliveries(second);
      await deliverUntil(() => receiver.received.length >= 2);
      expect(receiver.received.map((request) => request.headers['webhook-id'])).toEqual([first.id, second.id]);
      for (const request of receiver.received) {
        expect(new Webhook(secret).verify(request.body, request.headers as Record<string, string>)).toMatchObject({ type: expect.any(String) });
      }
      const page = await call('GET', `/v1/webhook-endpoints/${id}/deliveries?limit=1`, { token: user.token });
      expect(page.status).toBe(200);
      expect(page.body.data).toEqual([expect.objectContaining({ eventId: second.id, attempt: 1, statusCode: 200, outcome: 'delivered' })]);
      const rest = await call('GET', `/v1/webhook-endpoints/${id}/deliveries?limit=1&cursor=${page.body.nextCursor}`, { token: user.token });
      expect(rest.body.data).toEqual([expect.objectContaining({ eventId: first.id, attempt: 1, statusCode: 500, outcome: 'retrying', error: 'status' })]);
      expectProblem(await call('GET', `/v1/webhook-endpoints/${id}/deliveries?cursor=${page.body.nextCursor}`, { token: (await signUp()).token }), 404, 'webhook_endpoint_not_found');

      expect((await call('DELETE', `/v1/webhook-endpoints/${id}`, { token: user.token })).status).toBe(204);
      expectProblem(await call('DELETE', `/v1/webhook-endpoints/${id}`, { token: user.token }), 404, 'webhook_endpoint_not_found');
      expectProblem(await call('GET', `/v1/webhook-endpoints/${id}`, { token: user.token }), 404, 'webhook_endpoint_not_found');
      expect((await call('GET', '/v1/webhook-endpoints', { token: user.token })).body.data).toEqual([]);
    } finally {
      await receiver.close();
    }
  });

  it('shows an endpoint only to its owner and to admins, and refuses URLs that are not public https', async () => {
    const owner = await signUp();
    const stranger = await signUp();
    const admin = await adminSession();
    const created = await call('POST', '/v1/webhook-endpoints', { token: owner.token, json: { url: 'http://127.0.0.1:9/owner', events: ['*'] } });
    expect(created.status).toBe(201);
    const path = `/v1/webhook-endpoints/${created.body.id}`;
    expectProblem(await call('GET', path, { token: stranger.token }), 404, 'webhook_endpoint_not_found');
    expectProblem(await call('DELETE', path, { token: stranger.token }), 404, 'webhook_endpoint_not_found');
    expectProblem(await call('GET', `/v1/webhook-endpoints?ownerId=${owner.id}`, { token: stranger.token }), 403, 'forbidden');
    expect((await call('GET', `/v1/webhook-endpoints?ownerId=${owner.id}`, { token: admin.token })).body.data.map((e: { id: string }) => e.id))
      .toEqual([created.body.id]);
    expect((await call('GET', path, { token: admin.token })).status).toBe(200);
    expect((await call('GET', `${path}/deliveries`, { token: admin.token })).body).toEqual({ data: [], nextCursor: null });

    for (const url of ['https://10.0.0.7/hook', 'https://169.254.169.254/latest/meta-data/', 'http://192.168.1.20/', 'http://[fe80::1]/',
      'https://localhost/hook', 'https://user:secret@127.0.0.1/']) {
      expectProblem(await call('POST', '/v1/webhook-endpoints', { token: owner.token, json: { url, events: ['*'] } }), 422, 'webhook_url_refused');
    }
    for (const json of [{ url: 'http://127.0.0.1:9/', events: ['nope'] }, { url: 'http://127.0.0.1:9/', events: [] },
      { url: 'http://127.0.0.1:9/', events: ['*', 'hold.created'] }, { url: 'http://127.0.0.1:9/', events: ['*'], secret: 'whsec_x' }]) {
      expectProblem(await call('POST', '/v1/webhook-endpoints', { token: owner.token, json }), 400, 'validation_failed');
    }
    expectProblem(await call('GET', '/v1/webhook-endpoints?cursor=abc', { token: owner.token }), 400, 'invalid_cursor');
    expectProblem(await call('PUT', path, { token: owner.token }), 405, 'method_not_allowed');
    expect((await call('DELETE', path, { token: admin.token })).status).toBe(204);
  });
});
