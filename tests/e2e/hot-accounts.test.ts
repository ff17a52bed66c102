/**
 * A hot account over HTTP: an admin opens a merchant account of several balance shards for a user; payers pay it at
 * once; its owner reads its balance, its statement page by page and its account view, and pays out of it.
 */
import { randomUUID } from 'node:crypto';
import { call, expectProblem } from '../support/http';
import { adminSession, signUp } from '../support/sessions';

describe('hot accounts over HTTP', () => {
  it('only an admin opens one; its owner is paid from many payers at once and pays out; every read adds up', async () => {
    const admin = await adminSession();
    const merchant = await signUp();
    const refused = await call('POST', '/v1/accounts', { token: merchant.token, json: { currency: 'EUR', shards: 8 } });
    expectProblem(refused, 403, 'forbidden');
    const tooMany = await call('POST', '/v1/accounts', { token: admin.token, json: { currency: 'EUR', shards: 65, ownerId: merchant.id } });
    expectProblem(tooMany, 400, 'validation_failed');
    const opened = await call('POST', '/v1/accounts', { token: admin.token, json: { currency: 'EUR', shards: 8, ownerId: merchant.id, name: 'Shop' } });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ ownerId: merchant.id, shards: 8, balance: 0, name: 'Shop' });
    const shop = opened.body.id as string;

    const bank = await call('POST', '/v1/accounts', { token: admin.token, json: { currency: 'EUR', type: 'system', shards: 4 } });
    const payers = await Promise.all(Array.from({ length: 6 }, async () => {
      const payer = await signUp();
      const account = await call('POST', '/v1/accounts', { token: payer.token, json: { currency: 'EUR' } });
      const funded = await call('POST', '/v1/transfers', {
        token: admin.token,
        json: { fromAccountId: bank.body.id, toAccountId: account.body.id, amount: 1_000, currency: 'EUR' },
        headers: { 'Idempotency-Key': randomUUID() },
      });
      expect(funded.status).toBe(201);
      return { token: payer.token, accountId: account.body.id as string };
    }));
    const payments = await Promise.all(payers.flatMap(({ token, accountId }) => [100, 200].map((amount) => call('POST', '/v1/transfers', {
      token, json: { fromAccountId: accountId, toAccountId: shop, amount, currency: 'EUR' }, headers: { 'Idempotency-Key': randomUUID() },
    }))));
    expect(payments.map((p) => p.status)).toEqual(Array(12).fill(201));
    // On a hot account an entry's balanceAfter is one shard's: no one is shown it.
    expect(payments[0]!.body.entries[1]).toMatchObject({ accountId: shop, direction: 'credit', balanceAfter: null });

    const out = await call('POST', '/v1/accounts', { token: merchant.token, json: { currency: 'EUR', name: 'Payouts' } });
    const payout = await call('POST', '/v1/transfers', {
      token: merchant.token, json: { fromAccountId: shop, toAccountId: out.body.id, amount: 1_700, currency: 'EUR' },
      headers: { 'Idempotency-Key': randomUUID() },
    });
    expect(payout.status).toBe(201);
    const overdraw = await call('POST', '/v1/transfers', {
      token: merchant.token, json: { fromAccountId: shop, toAccountId: out.body.id, amount: 101, currency: 'EUR' },
      headers: { 'Idempotency-Key': randomUUID() },
    });
    expectProblem(overdraw, 422, 'insufficient_funds');

    const balance = await call('GET', `/v1/accounts/${shop}/balance`, { token: merchant.token });
    expect(balance.body).toMatchObject({ accountId: shop, currency: 'EUR', balance: 100 });
    expect((await call('GET', `/v1/accounts/${shop}`, { token: merchant.token })).body).toMatchObject({ shards: 8, balance: 100 });
    const listed = await call('GET', '/v1/accounts', { token: merchant.token });
    expect(listed.body.data.find((a: { id: string }) => a.id === shop)).toMatchObject({ shards: 8, balance: 100 });
    expect((await call('GET', `/v1/accounts/${bank.body.id}/balance`, { token: admin.token })).body.balance).toBe(-6_000);

    const shown: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await call('GET', `/v1/accounts/${shop}/transactions?limit=4${cursor ? `&cursor=${cursor}` : ''}`, { token: merchant.token });
      expect(page.status).toBe(200);
      shown.push(...page.body.data.map((t: { id: string }) => t.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(shown.sort()).toEqual([...payments.map((p) => p.body.id), payout.body.id].sort());
    const wrongCursor = await call('GET', `/v1/accounts/${shop}/transactions?cursor=${Buffer.from('v1:12').toString('base64url')}`, { token: merchant.token });
    expectProblem(wrongCursor, 400, 'invalid_cursor');
  });
});
