import { randomUUID } from 'node:crypto';
import { call, expectProblem } from '../support/http';
import { adminSession, signUp } from '../support/sessions';

/*
 * The events API over HTTP: every committed change of the caller's accounts, newest first, and nothing of anyone
 * else's.
 */

async function openAccount(token: string, json: Record<string, unknown>): Promise<string> {
  const answer = await call('POST', '/v1/accounts', { token, json });
  expect(answer.status).toBe(201);
  return answer.body.id as string;
}

describe('events over HTTP', () => {
  it('lists the events of the caller\'s accounts, each readable by id, and never another user\'s', async () => {
    // A caller whose first request this is (its standing is read, not cached) sees an empty list.
    const stranger = await signUp();
    const empty = await call('GET', '/v1/events', { token: stranger.token });
    expect(empty.status).toBe(200);
    expect(empty.body).toEqual({ data: [], nextCursor: null });

    const admin = await adminSession();
    const bank = await openAccount(admin.token, { currency: 'USD', type: 'system' });
    const payer = await signUp();
    const wallet = await openAccount(payer.token, { currency: 'USD' });
    const funding = await call('POST', '/v1/transfers', {
      token: admin.token, json: { fromAccountId: bank, toAccountId: wallet, amount: 500, currency: 'USD' }, headers: { 'Idempotency-Key': randomUUID() },
    });
    expect(funding.status).toBe(201);

    const mine = await call('GET', '/v1/events?limit=10', { token: payer.token });
    expect(mine.body.data.map((event: { type: string }) => event.type)).toEqual(['transaction.posted', 'account.created']);
    const [posted] = mine.body.data;
    expect(posted.data).toMatchObject({ id: funding.body.id, type: 'transfer', amount: 500 });
    // The bank's side of the entry is not the payer's to see.
    expect(posted.data.entries.map((entry: { balanceAfter: number | null }) => entry.balanceAfter)).toEqual([null, 500]);
    expect((await call('GET', `/v1/events/${posted.id}`, { token: payer.token })).body).toEqual(posted);
    expectProblem(await call('GET', `/v1/events/${posted.id}`, { token: stranger.token }), 404, 'event_not_found');
    expectProblem(await call('GET', `/v1/events/${randomUUID()}`, { token: payer.token }), 404, 'event_not_found');
    expect((await call('GET', '/v1/events?type=account.created', { token: payer.token })).body.data).toHaveLength(1);
    expectProblem(await call('GET', '/v1/events?type=payment.made', { token: payer.token }), 400, 'validation_failed');
    expect((await call('GET', '/v1/events', { token: stranger.token })).body.data).toEqual([]);
    // An admin reads the feed of every event.
    let found = false;
    let cursor: string | null = null;
    for (let page = 0; page < 20 && !found; page += 1) {
      const feed = await call('GET', `/v1/events?limit=100&type=transaction.posted${cursor ? `&cursor=${cursor}` : ''}`, { token: admin.token });
      found = feed.body.data.some((event: { id: string }) => event.id === posted.id);
      cursor = feed.body.nextCursor;
      if (!cursor) break;
    }
    expect(found).toBe(true);
  });
});
