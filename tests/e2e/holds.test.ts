import { randomUUID } from 'node:crypto';
import { handler as sweepHandler } from '../../functions/jobs/expire-holds';
import { call, expectProblem, type Answer } from '../support/http';
import { adminSession, signUp } from '../support/sessions';

/*
 * Holds over HTTP, as a hotel or a card acquirer drives them: authorize, capture part, release the rest; void; expiry
 * by the scheduled sweep; and the races and retries our peers got wrong (blnk#41, #181, #182, PR #171).
 */

type Session = { token: string };

function post(path: string, token: string, json: unknown = undefined, key: string | null = randomUUID()): Promise<Answer> {
  return call('POST', path, { token, json, headers: key === null ? {} : { 'Idempotency-Key': key } });
}

async function openAccount(session: Session, json: Record<string, unknown>): Promise<string> {
  const answer = await call('POST', '/v1/accounts', { token: session.token, json });
  expect(answer.status).toBe(201);
  return answer.body.id as string;
}

async function balanceOf(session: Session, accountId: string) {
  const { balance, pending, available } = (await call('GET', `/v1/accounts/${accountId}/balance`, { token: session.token })).body;
  return { balance, pending, available };
}

/** A guest with `funds` in a wallet, and a hotel's account. */
async function stay(funds: number) {
  const admin = await adminSession();
  const bank = await openAccount(admin, { currency: 'EUR', type: 'system', name: 'Bank' });
  const guest = await signUp();
  const hotel = await signUp();
  const wallet = await openAccount(guest, { currency: 'EUR' });
  const till = await openAccount(hotel, { currency: 'EUR' });
  expect((await post('/v1/transfers', admin.token, { fromAccountId: bank, toAccountId: wallet, amount: funds, currency: 'EUR' })).status).toBe(201);
  return { admin, guest, hotel, wallet, till };
}

const holdBody = (from: string, to: string, amount: number, extra: Record<string, unknown> = {}) => ({
  fromAccountId: from, toAccountId: to, amount, currency: 'EUR', ...extra,
});

/** The scheduled sweep, invoked as EventBridge would: one sweep in the time the run has. */
function runSweep() {
  return sweepHandler({}, { functionName: 'serverless-payments-test-expireHolds', getRemainingTimeInMillis: () => 20_000 });
}

describe('holds over HTTP', () => {
  it('holds 300.00 at check-in, captures 240.00 at checkout and releases the rest', async () => {
    const { guest, hotel, wallet, till } = await stay(50_000);
    const placed = await post('/v1/holds', guest.token, holdBody(wallet, till, 30_000, { description: 'room 12', metadata: { booking: 'B-9' } }), 'stay-1');
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({
      status: 'pending', fromAccountId: wallet, toAccountId: till, amount: 30_000, capturedAmount: 0, currency: 'EUR',
      description: 'room 12', metadata: { booking: 'B-9' }, resolvedAt: null, transactionId: null,
    });
    expect(Date.parse(placed.body.expiresAt) - Date.parse(placed.body.createdAt)).toBe(7 * 24 * 3600 * 1000);
    expect(await balanceOf(guest, wallet)).toEqual({ balance: 50_000, pending: 30_000, available: 20_000 });
    const account = await call('GET', `/v1/accounts/${wallet}`, { token: guest.token });
    expect(account.body).toMatchObject({ balance: 50_000, pending: 30_000, available: 20_000 });

    const captured = await post(`/v1/holds/${placed.body.id}/capture`, guest.token, { amount: 24_000 }, 'checkout-1');
    expect(captured.status).toBe(201);
    expect(captured.body).toMatchObject({ type: 'capture', holdId: placed.body.id, amount: 24_000, fromAccountId: wallet, toAccountId: till, description: 'room 12' });
    const replayed = await post(`/v1/holds/${placed.body.id}/capture`, guest.token, { amount: 24_000 }, 'checkout-1');
    expect(replayed.status).toBe(201);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.body).toEqual(captured.body);
    expect(await balanceOf(guest, wallet)).toEqual({ balance: 26_000, pending: 0, available: 26_000 });
    expect((await balanceOf(hotel, till)).balance).toBe(24_000);

    // The hotel sees the hold on its own account; a stranger sees nothing of it.
    const seen = await call('GET', `/v1/holds/${placed.body.id}`, { token: hotel.token });
    expect(seen.body).toMatchObject({ status: 'captured', capturedAmount: 24_000, transactionId: captured.body.id });
    expectProblem(await call('GET', `/v1/holds/${placed.body.id}`, { token: (await signUp()).token }), 404, 'hold_not_found');
    const listed = await call('GET', `/v1/accounts/${till}/holds?status=captured`, { token: hotel.token });
    expect(listed.body.data.map((hold: { id: string }) => hold.id)).toEqual([placed.body.id]);
    expect((await call('GET', `/v1/accounts/${till}/holds?status=pending`, { token: hotel.token })).body.data).toEqual([]);
    // Resolved once: neither a second capture nor a void.
    expectProblem(await post(`/v1/holds/${placed.body.id}/capture`, guest.token, {}), 422, 'hold_not_pending');
    expectProblem(await post(`/v1/holds/${placed.body.id}/void`, guest.token, undefined, null), 422, 'hold_not_pending');
    // Only the guest who placed it (or an admin) captures or voids it.
    const other = await post('/v1/holds', guest.token, holdBody(wallet, till, 1_000));
    expectProblem(await post(`/v1/holds/${other.body.id}/capture`, hotel.token, {}), 403, 'forbidden');
  });

  it('places exactly 7 of 20 concurrent holds of 1,000 against 7,500 available, and refuses a transfer of held funds', async () => {
    const { guest, wallet, till } = await stay(7_500);
    const answers = await Promise.all(Array.from({ length: 20 }, () => post('/v1/holds', guest.token, holdBody(wallet, till, 1_000))));
    expect(answers.filter((a) => a.status === 201)).toHaveLength(7);
    for (const answer of answers.filter((a) => a.status !== 201)) expectProblem(answer, 422, 'insufficient_funds');
    expect(await balanceOf(guest, wallet)).toEqual({ balance: 7_500, pending: 7_000, available: 500 });
    expectProblem(await post('/v1/transfers', guest.token, { fromAccountId: wallet, toAccountId: till, amount: 501, currency: 'EUR' }), 422, 'insufficient_funds');
    expect((await post('/v1/transfers', guest.token, { fromAccountId: wallet, toAccountId: till, amount: 500, currency: 'EUR' })).status).toBe(201);
  });

  it('voids once, and refuses what breaks the rules before anything is reserved', async () => {
    const { guest, wallet, till } = await stay(2_000);
    const placed = await post('/v1/holds', guest.token, holdBody(wallet, till, 1_500));
    const voided = await post(`/v1/holds/${placed.body.id}/void`, guest.token, undefined, null);
    expect(voided.status).toBe(200);
    expect(voided.body).toMatchObject({ status: 'voided', capturedAmount: 0 });
    expectProblem(await post(`/v1/holds/${placed.body.id}/void`, guest.token, undefined, null), 422, 'hold_not_pending');
    expectProblem(await post(`/v1/holds/${placed.body.id}/capture`, guest.token, {}), 422, 'hold_not_pending');
    expect(await balanceOf(guest, wallet)).toEqual({ balance: 2_000, pending: 0, available: 2_000 });

    // A caller whose first request this is (its standing is read, not cached) reserves nothing of another's.
    const stranger = await signUp();
    expectProblem(await post('/v1/holds', stranger.token, holdBody(wallet, till, 100)), 404, 'account_not_found');
    expectProblem(await post('/v1/holds', guest.token, holdBody(wallet, till, 100), null), 400, 'idempotency_key_required');
    expectProblem(await post('/v1/holds', guest.token, holdBody(wallet, till, 100, { expiresInSeconds: 0 })), 400, 'validation_failed');
    expectProblem(await post('/v1/holds', guest.token, holdBody(wallet, till, 100, { expiresInSeconds: 2_592_001 })), 400, 'validation_failed');
    expectProblem(await post('/v1/holds', guest.token, holdBody(wallet, wallet, 100)), 422, 'same_account');
    expectProblem(await post('/v1/holds', guest.token, { ...holdBody(wallet, till, 100), currency: 'USD' }), 422, 'currency_mismatch');
    expectProblem(await post('/v1/holds', guest.token, holdBody(wallet, till, 2_001)), 422, 'insufficient_funds');
    const small = await post('/v1/holds', guest.token, holdBody(wallet, till, 100));
    expectProblem(await post(`/v1/holds/${small.body.id}/capture`, guest.token, { amount: 101 }), 422, 'capture_exceeds_hold');
    expectProblem(await post(`/v1/holds/${randomUUID()}/capture`, guest.token, {}), 404, 'hold_not_found');
    expect(await balanceOf(guest, wallet)).toEqual({ balance: 2_000, pending: 100, available: 1_900 });
  });

  it('expires: a hold past expiresAt is never captured, the sweep releases it, and it reads expired', async () => {
    const { guest, hotel, wallet, till } = await stay(1_000);
    const placed = await post('/v1/holds', guest.token, holdBody(wallet, till, 800, { expiresInSeconds: 1 }));
    const lasting = await post('/v1/holds', guest.token, holdBody(wallet, till, 100));
    await new Promise((resolve) => setTimeout(resolve, Date.parse(placed.body.expiresAt) - Date.now() + 20));
    expectProblem(await post(`/v1/holds/${placed.body.id}/capture`, guest.token, {}), 422, 'hold_expired');
    expectProblem(await post(`/v1/holds/${placed.body.id}/void`, guest.token, undefined, null), 422, 'hold_expired');
    expect((await runSweep()).expired).toBeGreaterThanOrEqual(1);
    expect((await call('GET', `/v1/holds/${placed.body.id}`, { token: hotel.token })).body).toMatchObject({ status: 'expired', capturedAmount: 0 });
    expect((await call('GET', `/v1/holds/${lasting.body.id}`, { token: hotel.token })).body).toMatchObject({ status: 'pending' });
    expect(await balanceOf(guest, wallet)).toEqual({ balance: 1_000, pending: 100, available: 900 });
    const expired = await call('GET', `/v1/accounts/${wallet}/holds?status=expired`, { token: guest.token });
    expect(expired.body.data.map((hold: { id: string }) => hold.id)).toEqual([placed.body.id]);
    // Pages newest first; a cursor serves only the list (account and status) it came from.
    const first = await call('GET', `/v1/accounts/${wallet}/holds?limit=1`, { token: guest.token });
    expect(first.body.data.map((hold: { id: string }) => hold.id)).toEqual([lasting.body.id]);
    const second = await call('GET', `/v1/accounts/${wallet}/holds?limit=1&cursor=${first.body.nextCursor}`, { token: guest.token });
    expect(second.body).toMatchObject({ data: [{ id: placed.body.id }], nextCursor: null });
    expectProblem(await call('GET', `/v1/accounts/${wallet}/holds?limit=1&status=pending&cursor=${first.body.nextCursor}`, { token: guest.token }), 400, 'invalid_cursor');
    expectProblem(await call('GET', `/v1/accounts/${till}/holds?limit=1&cursor=${first.body.nextCursor}`, { token: hotel.token }), 400, 'invalid_cursor');
  });

  it('keeps balances right while holds expire under captures racing the sweep', async () => {
    const { guest, hotel, wallet, till } = await stay(10_000);
    const holds = await Promise.all(Array.from({ length: 8 }, () => post('/v1/holds', guest.token, holdBody(wallet, till, 1_000, { expiresInSeconds: 1 }))));
    await new Promise((resolve) => setTimeout(resolve, Date.parse(holds[0]!.body.expiresAt) - Date.now() - 30));
    const captures = holds.map((hold) => post(`/v1/holds/${hold.body.id}/capture`, guest.token, {}));
    const [answers] = await Promise.all([Promise.all(captures), runSweep()]);
    for (const answer of answers) expect([201, 422]).toContain(answer.status);
    const captured = answers.filter((answer) => answer.status === 201).length;
    // Whatever the sweep did not expire it will at its next run; no hold is counted twice or lost.
    await runSweep();
    expect(await balanceOf(guest, wallet)).toEqual({ balance: 10_000 - captured * 1_000, pending: 0, available: 10_000 - captured * 1_000 });
    expect((await balanceOf(hotel, till)).balance).toBe(captured * 1_000);
  });
});
