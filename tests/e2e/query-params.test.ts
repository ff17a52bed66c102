import { randomUUID } from 'node:crypto';
import { call, expectProblem } from '../support/http';
import { signUp } from '../support/sessions';

describe('unknown query parameters', () => {
  it('are refused alike on every route, with or without a query of its own (400 validation_failed)', async () => {
    const user = await signUp();
    const account = await call('POST', '/v1/accounts', { token: user.token, json: { currency: 'USD' } });
    expect(account.status).toBe(201);
    const attempts = [
      call('GET', '/openapi.json?x=1'),
      call('GET', '/api/v1/users/me?verbose=true', { token: user.token }),
      call('GET', `/v1/accounts/${account.body.id}?expand=owner`, { token: user.token }),
      call('GET', '/v1/accounts?sort=desc', { token: user.token }),
      call('GET', `/v1/accounts/${account.body.id}/transactions?order=asc`, { token: user.token }),
      call('POST', '/v1/transfers?dryRun=1', {
        token: user.token,
        json: { fromAccountId: account.body.id, toAccountId: account.body.id, amount: 1, currency: 'USD' },
        headers: { 'Idempotency-Key': randomUUID() },
      }),
    ];
    for (const answer of await Promise.all(attempts)) {
      expectProblem(answer, 400, 'validation_failed');
      expect(answer.body.errors).toEqual([expect.objectContaining({ path: 'query' })]);
    }
  });

  it('do not hide a missing route or method: the catch-all still answers 404 and 405', async () => {
    expectProblem(await call('GET', '/no/such/path?x=1'), 404, 'route_not_found');
    expectProblem(await call('POST', '/openapi.json?x=1'), 405, 'method_not_allowed');
  });
});
