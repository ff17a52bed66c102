import { randomUUID } from 'node:crypto';
import { call, expectProblem, type Answer } from '../support/http';
import { adminSession, signUp } from '../support/sessions';

/*
 * Multi-entry transactions and reversals over HTTP, as an integrator drives them: a marketplace split, a partial
 * refund, an FX conversion through liquidity accounts, and the rejections.
 */

type Session = Awaited<ReturnType<typeof signUp>>;

function post(path: string, token: string, json: unknown, key: string | null = randomUUID()): Promise<Answer> {
  return call('POST', path, { token, json, headers: key === null ? {} : { 'Idempotency-Key': key } });
}

async function openAccount(session: { token: string }, json: Record<string, unknown>): Promise<string> {
  const answer = await call('POST', '/v1/accounts', { token: session.token, json });
  expect(answer.status).toBe(201);
  return answer.body.id as string;
}

async function balanceOf(session: { token: string }, accountId: string): Promise<number> {
  return (await call('GET', `/v1/accounts/${accountId}/balance`, { token: session.token })).body.balance as number;
}

/** An admin with a bank, fee and tax accounts in USD; a payer holding `funds`; a merchant. */
async function marketplace(funds: number) {
  const admin = await adminSession();
  const bank = await openAccount(admin, { currency: 'USD', type: 'system', name: 'Bank' });
  const fees = await openAccount(admin, { currency: 'USD', type: 'system', name: 'Fees' });
  const tax = await openAccount(admin, { currency: 'USD', type: 'system', name: 'Tax' });
  const payer: Session = await signUp();
  const merchant: Session = await signUp();
  const wallet = await openAccount(payer, { currency: 'USD' });
  const shop = await openAccount(merchant, { currency: 'USD' });
  const funding = await post('/v1/transfers', admin.token, { fromAccountId: bank, toAccountId: wallet, amount: funds, currency: 'USD' });
  expect(funding.status).toBe(201);
  return { admin, bank, fees, tax, payer, merchant, wallet, shop };
}

const entry = (accountId: string, direction: 'debit' | 'credit', amount: number, currency = 'USD') => ({ accountId, direction, amount, currency });

describe('transactions over HTTP', () => {
  it('splits a payment between merchant, fees and tax in one transaction, then refunds part of the merchant\'s share', async () => {
    const { admin, fees, tax, payer, merchant, wallet, shop } = await marketplace(10_000);
    const split = await post('/v1/transactions', payer.token, {
      entries: [entry(wallet, 'debit', 2_000), entry(shop, 'credit', 1_700), entry(fees, 'credit', 200), entry(tax, 'credit', 100)],
      description: 'order 77',
      metadata: { orderId: '77', channel: 'web' },
    }, 'order-77');
    expect(split.status).toBe(201);
    expect(split.body).toMatchObject({
      type: 'transaction', status: 'posted', amount: null, description: 'order 77', metadata: { orderId: '77', channel: 'web' },
      reverses: null, reversedAmount: 0, reversalIds: [],
    });
    expect(split.body.entries.map((e: { balanceAfter: number | null }) => e.balanceAfter)).toEqual([8_000, null, null, null]);
    const replay = await post('/v1/transactions', payer.token, {
      entries: [entry(wallet, 'debit', 2_000), entry(shop, 'credit', 1_700), entry(fees, 'credit', 200), entry(tax, 'credit', 100)],
      description: 'order 77',
      metadata: { channel: 'web', orderId: '77' },
    }, 'order-77');
    expect([replay.status, replay.headers.get('idempotent-replayed'), replay.body.id]).toEqual([201, 'true', split.body.id]);

    // The merchant sees the split (its own balance only) and its statement lists it.
    const seen = await call('GET', `/v1/transactions/${split.body.id}`, { token: merchant.token });
    expect(seen.body.entries.map((e: { balanceAfter: number | null }) => e.balanceAfter)).toEqual([null, 1_700, null, null]);
    const statement = await call('GET', `/v1/accounts/${shop}/transactions`, { token: merchant.token });
    expect(statement.body.data[0].id).toBe(split.body.id);

    // The merchant cannot reverse a split it owns only part of; an admin reverses it whole, never in part.
    expectProblem(await post(`/v1/transactions/${split.body.id}/reversals`, merchant.token, {}), 403, 'forbidden');
    expectProblem(await post(`/v1/transactions/${split.body.id}/reversals`, admin.token, { amount: 5 }), 422, 'partial_reversal_unsupported');

    // A direct payment, refunded in part by the merchant, then in full, then no more.
    const paid = await post('/v1/transfers', payer.token, { fromAccountId: wallet, toAccountId: shop, amount: 1_000, currency: 'USD' });
    const refund = await post(`/v1/transactions/${paid.body.id}/reversals`, merchant.token, { amount: 400, metadata: { reason: 'damaged' } }, 'refund-77');
    expect(refund.status).toBe(201);
    expect(refund.body).toMatchObject({ type: 'reversal', reverses: paid.body.id, amount: 400, fromAccountId: shop, toAccountId: wallet });
    expect((await call('GET', `/v1/transactions/${paid.body.id}`, { token: payer.token })).body)
      .toMatchObject({ reversedAmount: 400, reversalIds: [refund.body.id] });
    expectProblem(await post(`/v1/transactions/${paid.body.id}/reversals`, merchant.token, { amount: 601 }), 422, 'reversal_exceeds_original');
    expectProblem(await post(`/v1/transactions/${refund.body.id}/reversals`, admin.token, {}), 422, 'not_reversible');
    const rest = await post(`/v1/transactions/${paid.body.id}/reversals`, merchant.token, {});
    expect([rest.status, rest.body.amount]).toEqual([201, 600]);
    expect(await balanceOf(payer, wallet)).toBe(8_000);
    expect(await balanceOf(merchant, shop)).toBe(1_700);
  });

  it('converts USD to EUR through liquidity accounts: four entries, each currency balanced on its own', async () => {
    const admin = await adminSession();
    const bankUsd = await openAccount(admin, { currency: 'USD', type: 'system' });
    const liquidityUsd = await openAccount(admin, { currency: 'USD', type: 'system', name: 'USD liquidity' });
    const liquidityEur = await openAccount(admin, { currency: 'EUR', type: 'system', name: 'EUR liquidity' });
    const ada = await signUp();
    const usd = await openAccount(ada, { currency: 'USD' });
    const eur = await openAccount(ada, { currency: 'EUR' });
    expect((await post('/v1/transfers', admin.token, { fromAccountId: bankUsd, toAccountId: usd, amount: 5_000, currency: 'USD' })).status).toBe(201);
    const fx = await post('/v1/transactions', admin.token, {
      entries: [entry(usd, 'debit', 1_100), entry(liquidityUsd, 'credit', 1_100), entry(liquidityEur, 'debit', 1_000, 'EUR'), entry(eur, 'credit', 1_000, 'EUR')],
      metadata: { rate: '0.9091' },
    });
    expect(fx.status).toBe(201);
    expect([await balanceOf(ada, usd), await balanceOf(ada, eur)]).toEqual([3_900, 1_000]);
  });

  it('never refunds more than was paid, however many refunds are sent at once (in the Lambda model, from as many instances)', async () => {
    const { bank, admin, payer, merchant, wallet, shop } = await marketplace(1_000);
    const paid = await post('/v1/transfers', payer.token, { fromAccountId: wallet, toAccountId: shop, amount: 1_000, currency: 'USD' });
    // The merchant holds more than it was paid, so only the guard on the payment can refuse a refund.
    expect((await post('/v1/transfers', admin.token, { fromAccountId: bank, toAccountId: shop, amount: 5_000, currency: 'USD' })).status).toBe(201);
    const refunds = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      post(`/v1/transactions/${paid.body.id}/reversals`, merchant.token, { amount: 150 }, `race-${paid.body.id}-${i}`)));
    const statuses = refunds.map((answer) => (answer.status === 201 ? '201' : `${answer.status} ${answer.body.code}`));
    // Six fit (900 of 1,000); the rest are refused, or busy when the instances kept meeting on the accounts.
    expect(statuses.filter((status) => status === '201').length).toBeLessThanOrEqual(6);
    expect(statuses.every((status) => ['201', '422 reversal_exceeds_original', '503 ledger_busy'].includes(status))).toBe(true);
    const original = (await call('GET', `/v1/transactions/${paid.body.id}`, { token: payer.token })).body;
    expect(original.reversedAmount).toBe(150 * statuses.filter((status) => status === '201').length);
    expect(await balanceOf(payer, wallet)).toBe(original.reversedAmount);
  });

  it('refuses what breaks a rule with a problem answer, and moves nothing', async () => {
    const { admin, fees, payer, wallet, shop } = await marketplace(1_000);
    const cases: Array<[unknown, number, string]> = [
      [{ entries: [entry(wallet, 'debit', 100)] }, 400, 'validation_failed'],
      [{ entries: [entry(wallet, 'debit', 100), entry(wallet, 'credit', 100)] }, 400, 'validation_failed'],
      [{ entries: Array.from({ length: 21 }, () => entry(wallet, 'debit', 1)) }, 400, 'validation_failed'],
      [{ entries: [entry(wallet, 'debit', 1.5), entry(shop, 'credit', 1.5)] }, 400, 'validation_failed'],
      [{ entries: [entry(wallet, 'debit', 100), entry(shop, 'credit', 100)], metadata: { 'bad key': 'x' } }, 400, 'validation_failed'],
      [{ entries: [entry(wallet, 'debit', 100), entry(shop, 'credit', 99)] }, 422, 'unbalanced_transaction'],
      [{ entries: [entry(wallet, 'debit', 100), entry(shop, 'credit', 100, 'EUR')] }, 422, 'unbalanced_transaction'],
      [{ entries: [entry(wallet, 'debit', 100, 'EUR'), entry(shop, 'credit', 100, 'EUR')] }, 422, 'currency_mismatch'],
      [{ entries: [entry(wallet, 'debit', 1_001), entry(shop, 'credit', 1_001)] }, 422, 'insufficient_funds'],
      [{ entries: [entry(fees, 'debit', 1), entry(shop, 'credit', 1)] }, 404, 'account_not_found'],
      [{ entries: [entry(wallet, 'debit', 1), entry(randomUUID(), 'credit', 1)] }, 404, 'account_not_found'],
    ];
    for (const [json, status, code] of cases) expectProblem(await post('/v1/transactions', payer.token, json), status, code);
    // A caller whose first request this is (its standing is read, not cached) moves nothing of another's.
    const stranger = await signUp();
    expectProblem(await post('/v1/transactions', stranger.token, { entries: [entry(wallet, 'debit', 1), entry(shop, 'credit', 1)] }), 404, 'account_not_found');
    expectProblem(await post('/v1/transactions', payer.token, { entries: [entry(wallet, 'debit', 1), entry(shop, 'credit', 1)] }, null), 400, 'idempotency_key_required');
    expectProblem(await post(`/v1/transactions/${randomUUID()}/reversals`, admin.token, {}), 404, 'transaction_not_found');
    expect(await balanceOf(payer, wallet)).toBe(1_000);
  });
});
