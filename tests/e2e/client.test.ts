import { walkthrough } from '../../clients/typescript/examples/walkthrough';
import { apiUrl } from '../support/env';
import { call } from '../support/http';
import { adminSession } from '../support/sessions';

describe('the typed client (clients/typescript)', () => {
  it("drives its README's walkthrough against the API: register, log in, open an account, transfer, read the statement", async () => {
    const admin = await adminSession();
    const bank = await call('POST', '/v1/accounts', { token: admin.token, json: { currency: 'EUR', type: 'system', name: 'Bank' } });
    const payee = await call('POST', '/v1/accounts', { token: admin.token, json: { currency: 'EUR', name: 'Landlord' } });
    const fund = async (accountId: string) => {
      const funding = await call('POST', '/v1/transfers', {
        token: admin.token,
        json: { fromAccountId: bank.body.id, toAccountId: accountId, amount: 5000, currency: 'EUR' },
        headers: { 'Idempotency-Key': crypto.randomUUID() },
      });
      expect(funding.status).toBe(201);
    };
    const result = await walkthrough(apiUrl(), fund, payee.body.id);
    expect(result.user).toMatchObject({ name: 'Ada', role: 'user' });
    expect(result.account).toMatchObject({ currency: 'EUR', balance: 0, name: 'Main' });
    expect(result.transfer).toMatchObject({ amount: 1250, currency: 'EUR', fromAccountId: result.account.id, toAccountId: payee.body.id });
    expect(result.location).toBe(`/v1/transactions/${result.transfer.id}`);
    expect(result.replayed).toBe('true');
    expect(result.statement.map((t) => t.id)).toEqual([result.transfer.id, expect.any(String)]);
    const balance = await call('GET', `/v1/accounts/${result.account.id}/balance`, { token: admin.token });
    expect(balance.body.balance).toBe(5000 - 1250);
  });
});
