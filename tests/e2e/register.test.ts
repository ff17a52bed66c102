import { call, expectProblem, registerUser } from '../support/http';
import { uniqueEmail, uniquePassword } from '../support/data';

const path = '/api/v1/users/register';

describe('POST /api/v1/users/register', () => {
  it('answers 201 with the new user, its email trimmed and lower-cased, and never the password or hash', async () => {
    const email = uniqueEmail('Ada.Lovelace');
    const password = uniquePassword();
    const answer = await call('POST', path, { json: { email: `  ${email.toUpperCase()}  `, password, name: 'Ada' } });
    expect(answer.status).toBe(201);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    expect(answer.body).toEqual({ id: expect.any(String), email: email.toLowerCase(), name: 'Ada', role: 'user', createdAt: expect.any(String) });
    expect(answer.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Math.abs(Date.parse(answer.body.createdAt) - Date.now())).toBeLessThan(60_000);
    expect(answer.text).not.toContain(password);
    expect(answer.text).not.toContain('argon2');
  });

  it('answers name null when no name is given', async () => {
    expect((await registerUser(uniqueEmail(), uniquePassword())).name).toBeNull();
  });

  it('answers 409 email_taken for an email already registered, whatever its case', async () => {
    const email = uniqueEmail();
    await registerUser(email, uniquePassword());
    const answer = await call('POST', path, { json: { email: email.toUpperCase(), password: uniquePassword() } });
    expectProblem(answer, 409, 'email_taken');
  });

  it('lets exactly one of five concurrent registrations of one email through; the rest are 409', async () => {
    const email = uniqueEmail('race');
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => call('POST', path, { json: { email, password: uniquePassword() } })),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409, 409, 409, 409]);
    for (const answer of answers.filter((each) => each.status === 409)) expectProblem(answer, 409, 'email_taken');
  });

  const valid = () => ({ email: uniqueEmail(), password: uniquePassword() });
  const invalid: Array<[string, () => unknown, string]> = [
    ['a bad email', () => ({ ...valid(), email: 'not-an-email' }), 'body.email'],
    ['an 11-character password', () => ({ ...valid(), password: 'x'.repeat(11) }), 'body.password'],
    ['a 129-character password', () => ({ ...valid(), password: 'x'.repeat(129) }), 'body.password'],
    ['a 101-character name', () => ({ ...valid(), name: 'n'.repeat(101) }), 'body.name'],
    ['an unknown field', () => ({ ...valid(), role: 'admin' }), 'body'],
    ['an email that is a number', () => ({ ...valid(), email: 12345 }), 'body.email'],
    ['a password that is an array', () => ({ ...valid(), password: ['x'.repeat(12)] }), 'body.password'],
    ['a name that is a number', () => ({ ...valid(), name: 7 }), 'body.name'],
    ['a missing password', () => ({ email: uniqueEmail() }), 'body.password'],
    ['an array instead of an object', () => [valid()], 'body'],
    ['null', () => null, 'body'],
  ];

  it.each(invalid)('answers 400 validation_failed for %s, naming the field', async (_label, body, fieldPath) => {
    const answer = await call('POST', path, { raw: JSON.stringify(body()) });
    expectProblem(answer, 400, 'validation_failed');
    expect(Array.isArray(answer.body.errors)).toBe(true);
    expect(answer.body.errors.map((error: { path: string }) => error.path)).toContain(fieldPath);
    for (const error of answer.body.errors) expect(typeof error.message).toBe('string');
  });

  it('answers 400 validation_failed for a JSON request without a body, and 415 without a content type', async () => {
    expectProblem(await call('POST', path, { headers: { 'content-type': 'application/json' } }), 400, 'validation_failed');
    expectProblem(await call('POST', path), 415, 'unsupported_media_type');
  });

  it('answers 415 unsupported_media_type for a text/plain body, and takes application/json; charset=utf-8', async () => {
    const text = await call('POST', path, { raw: JSON.stringify(valid()), headers: { 'content-type': 'text/plain' } });
    expectProblem(text, 415, 'unsupported_media_type');
    const utf8 = await call('POST', path, { raw: JSON.stringify(valid()), headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(utf8.status).toBe(201);
  });

  it('answers every response, success or problem, with Cache-Control: no-store and nosniff', async () => {
    for (const answer of [await call('POST', path, { json: valid() }), await call('GET', '/no/such/route'), await call('GET', '/openapi.json')]) {
      expect([answer.headers.get('cache-control'), answer.headers.get('x-content-type-options')]).toEqual(['no-store', 'nosniff']);
    }
  });

  it('does not register a user when validation fails', async () => {
    const email = uniqueEmail();
    await call('POST', path, { json: { email, password: 'short' } });
    await registerUser(email, uniquePassword());
  });

  it('answers 400 malformed_json for a body that is not JSON', async () => {
    const answer = await call('POST', path, { raw: '{"email": "a@b.c", "password": ' });
    expectProblem(answer, 400, 'malformed_json');
  });

  it('answers 413 payload_too_large for a body over 64 KiB, before reading it', async () => {
    const answer = await call('POST', path, { json: { ...valid(), name: 'n'.repeat(64 * 1024) } });
    expectProblem(answer, 413, 'payload_too_large');
  });
});

describe('routing', () => {
  it.each([['GET', '/no/such/route'], ['POST', '/api/v1/users/unknown/deeper'], ['GET', '/v1/accounts/a/b'], ['DELETE', '/api/v1/users/me/x']])(
    'answers 404 route_not_found to %s %s',
    async (method, path) => {
      const answer = await call(method, path);
      expectProblem(answer, 404, 'route_not_found');
      expect(answer.headers.get('allow')).toBeNull();
    },
  );

  it.each([
    // PATCH /api/v1/users/{id} (admins) matches any id, `register` and `me` among them, as API Gateway routes it.
    ['GET', '/api/v1/users/register', 'POST, PATCH'], ['DELETE', '/api/v1/users/me', 'GET, PATCH'], ['POST', '/api/v1/users/unknown', 'PATCH'],
    ['PUT', '/v1/accounts', 'POST, GET'],
    ['POST', '/v1/accounts/acc-1/balance', 'GET'], ['PATCH', '/v1/transfers', 'POST'],
  ])('answers 405 method_not_allowed to %s %s, with Allow: %s', async (method, path, allow) => {
    const answer = await call(method, path);
    expectProblem(answer, 405, 'method_not_allowed');
    expect(answer.headers.get('allow')).toBe(allow);
    expect(answer.headers.get('cache-control')).toBe('no-store');
  });
});
