import { randomUUID } from 'node:crypto';
import { uniqueEmail, uniquePassword } from '../support/data';
import { call, expectProblem } from '../support/http';
import { signUp } from '../support/sessions';

/*
 * Free text (names, descriptions) over HTTP: a payer must not be able to make the text a payee reads look other than
 * it is. Every schema's rules are in tests/unit/free-text.test.ts; these check that the API applies them.
 */
describe('free text over HTTP', () => {
  it('stores a registered name NFC-normalized and trimmed, and refuses one with a bidi override', async () => {
    const ok = await call('POST', '/api/v1/users/register', { json: { email: uniqueEmail(), password: uniquePassword(), name: ' Zoe\u0308 ' } });
    expect(ok.status).toBe(201);
    expect(ok.body.name).toBe('Zo\u00EB');
    const spoof = await call('POST', '/api/v1/users/register', { json: { email: uniqueEmail(), password: uniquePassword(), name: 'Ada\u202Egnp.exe' } });
    expectProblem(spoof, 400, 'validation_failed');
    expect(spoof.body.errors).toEqual([{ path: 'body.name', message: expect.stringMatching(/control, format or bidirectional/) }]);
  });

  it('refuses an account name with NUL and a transfer description with CR/LF or a BOM, writing nothing', async () => {
    const user = await signUp();
    expectProblem(await call('POST', '/v1/accounts', { token: user.token, json: { currency: 'USD', name: 'Main\u0000' } }), 400, 'validation_failed');
    const account = await call('POST', '/v1/accounts', { token: user.token, json: { currency: 'USD', name: '\u00A0Main ' } });
    expect(account.status).toBe(201);
    expect(account.body.name).toBe('Main');
    for (const description of ['rent\r\nPAID IN FULL', '\uFEFFrent', 'rent\u200B']) {
      const answer = await call('POST', '/v1/transfers', {
        token: user.token,
        json: { fromAccountId: account.body.id, toAccountId: account.body.id, amount: 1, currency: 'USD', description },
        headers: { 'Idempotency-Key': randomUUID() },
      });
      expectProblem(answer, 400, 'validation_failed');
      expect(answer.body.errors[0].path).toBe('body.description');
    }
    const statement = await call('GET', `/v1/accounts/${account.body.id}/transactions`, { token: user.token });
    expect(statement.body.data).toEqual([]);
  });
});
