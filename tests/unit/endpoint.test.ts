import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import * as z from 'zod/mini';
import { EmailTakenError } from '../../lib/errors';
import { endpoint } from '../../lib/http/endpoint';
import { issueAccessToken, verifyBearer } from '../../lib/identity/tokens';

// Tokens are signed with this secret in these tests; `npm test` sets one, and a direct jest run gets this one.
process.env.JWT_SECRET ??= 'unit-test-secret-0123456789-abcdefghijklmnop';

const context = { awsRequestId: 'req-unit-1' } as Context;

/** A request; one with a body is sent as JSON unless its headers name a content type or `typed` is false. */
function event(fields: { body?: string; headers?: Record<string, string>; typed?: false; query?: Record<string, string>; params?: Record<string, string> } = {}) {
  const named = Object.keys(fields.headers ?? {}).some((name) => name.toLowerCase() === 'content-type');
  const json = fields.body !== undefined && !named && fields.typed !== false ? { 'content-type': 'application/json' } : {};
  return {
    routeKey: 'POST /test',
    rawPath: '/test',
    headers: { ...json, ...fields.headers },
    body: fields.body,
    isBase64Encoded: false,
    queryStringParameters: fields.query,
    pathParameters: fields.params,
    requestContext: { http: { method: 'POST', path: '/test' } },
  } as unknown as APIGatewayProxyEventV2;
}

async function invoke(handler: ReturnType<typeof endpoint>, input: APIGatewayProxyEventV2) {
  const result = (await handler(input, context)) as APIGatewayProxyStructuredResultV2;
  return { status: result.statusCode, headers: result.headers ?? {}, text: String(result.body), body: JSON.parse(String(result.body)) };
}

/** An authenticator that checks the token alone (the standing read needs a table): every caller is a user. */
const tokenOnly = async (authorization: string | undefined) => ({ userId: (await verifyBearer(authorization)).userId, role: 'user' as const, mfa: false });

let logged: string[];

beforeEach(() => {
  logged = [];
  const capture = (...args: unknown[]) => { logged.push(args.map(String).join(' ')); };
  jest.spyOn(console, 'log').mockImplementation(capture);
  jest.spyOn(console, 'warn').mockImplementation(capture);
  jest.spyOn(console, 'error').mockImplementation(capture);
});

afterEach(() => jest.restoreAllMocks());

describe('endpoint', () => {
  it('answers the route\'s status with the function\'s JSON body and extra headers', async () => {
    const handler = endpoint({ auth: false, status: 201 }, async () => ({ body: { ok: true }, headers: { location: '/x/1' } }));
    const answer = await invoke(handler, event());
    expect(answer).toMatchObject({ status: 201, body: { ok: true } });
    expect(answer.headers).toMatchObject({ 'content-type': 'application/json', location: '/x/1' });
  });

  it('answers a Location from the route\'s template and the answer\'s id', async () => {
    const handler = endpoint({ auth: false, status: 201, location: '/v1/things/{id}' }, async () => ({ body: { id: 'a b' } }));
    expect((await invoke(handler, event())).headers).toMatchObject({ location: '/v1/things/a%20b' });
  });

  it('maps a bug to a bare 500 internal_error that leaks neither message nor stack', async () => {
    const handler = endpoint({ auth: false, status: 200 }, async () => {
      throw new Error('password=hunter2 for postgres://admin@10.0.0.7');
    });
    const answer = await invoke(handler, event());
    expect(answer.status).toBe(500);
    expect(answer.headers['content-type']).toBe('application/problem+json');
    expect(answer.body).toMatchObject({ code: 'internal_error', status: 500, detail: 'An unexpected error occurred.' });
    expect(answer.text).not.toMatch(/hunter2|postgres|10\.0\.0\.7|at .*\.ts/);
    // Operators still get the stack, in the log and not in the answer.
    const errorLine = logged.map((line) => JSON.parse(line)).find((line) => line.level === 'error');
    expect(errorLine).toMatchObject({ message: 'unhandled error', requestId: 'req-unit-1', errorName: 'Error' });
    expect(errorLine.stack).toContain('endpoint.test.ts');
  });

  it('maps an expected error to its own status and code, without logging it as an error', async () => {
    const handler = endpoint({ auth: false, status: 200 }, async () => {
      throw new EmailTakenError();
    });
    const answer = await invoke(handler, event());
    expect(answer.status).toBe(409);
    expect(answer.body).toMatchObject({ code: 'email_taken', detail: 'An account with this email already exists.' });
    expect(logged.some((line) => line.includes('"level":"error"'))).toBe(false);
  });

  it('writes one request log line with status, code and latency, and never the body', async () => {
    const handler = endpoint({ auth: false, status: 200, body: z.strictObject({ password: z.string().check(z.maxLength(5)) }) }, async () => ({ body: {} }));
    await invoke(handler, event({ body: JSON.stringify({ password: 'hunter2-is-too-long' }) }));
    expect(logged).toHaveLength(1);
    const line = JSON.parse(logged[0]!);
    expect(line).toMatchObject({ level: 'info', message: 'request', requestId: 'req-unit-1', route: 'POST /test', status: 400, code: 'validation_failed' });
    expect(typeof line.latencyMs).toBe('number');
    expect(logged[0]).not.toContain('hunter2');
  });

  it('parses body, query and path with the route\'s schemas before the function runs', async () => {
    const fn = jest.fn(async (input: { body: unknown; query: unknown; params: unknown }) => ({ body: input }));
    const handler = endpoint({
      auth: false,
      status: 200,
      body: z.strictObject({ email: z.string().check(z.trim(), z.toLowerCase()) }),
      query: z.strictObject({ limit: z.coerce.number().check(z.int(), z.maximum(100)) }),
      params: z.strictObject({ id: z.string().check(z.minLength(1)) }),
    }, ({ body, query, params }) => fn({ body, query, params }));
    const answer = await invoke(handler, event({ body: '{"email":" A@B.C "}', query: { limit: '7' }, params: { id: 'acc-1' } }));
    expect(answer.body).toEqual({ body: { email: 'a@b.c' }, query: { limit: 7 }, params: { id: 'acc-1' } });

    const refused = await invoke(handler, event({ body: '{"email":"a@b.c"}', query: { limit: '1000' }, params: { id: 'acc-1' } }));
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ path: 'query.limit' })]);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('parses each declared header with its schema when present, after the body, and leaves it undefined when absent', async () => {
    const handler = endpoint({
      auth: false,
      status: 200,
      body: z.strictObject({ a: z.string() }),
      headers: [{ name: 'Idempotency-Key', description: 'a key', schema: z.string().check(z.maxLength(3)) }],
    }, async ({ headers }) => ({ body: { key: headers['idempotency-key'] ?? null } }));
    const ok = (headers: Record<string, string>) => invoke(handler, event({ body: '{"a":"x"}', headers }));
    expect((await ok({ 'Idempotency-Key': 'k-1' })).body).toEqual({ key: 'k-1' });
    expect((await ok({})).body).toEqual({ key: null });
    const refused = await ok({ 'idempotency-key': 'too-long' });
    expect(refused.status).toBe(400);
    expect(refused.body.errors).toEqual([expect.objectContaining({ path: 'header.idempotency-key' })]);
    const badBody = await invoke(handler, event({ body: '{}', headers: { 'idempotency-key': 'too-long' } }));
    expect(badBody.body.errors).toEqual([expect.objectContaining({ path: 'body.a' })]);
  });

  it('refuses a body not declared application/json with 415, and takes a UTF-8 charset', async () => {
    const handler = endpoint({ auth: false, status: 200, body: z.strictObject({ a: z.string() }) }, async () => ({ body: {} }));
    const send = (headers: Record<string, string>) => invoke(handler, event({ body: '{"a":"x"}', headers, typed: false }));
    for (const headers of [{}, { 'content-type': 'text/plain' }, { 'content-type': 'application/json; charset=latin1' }, { 'content-type': 'application/json, text/plain' }] as Array<Record<string, string>>) {
      expect([headers, (await send(headers)).body.code]).toEqual([headers, 'unsupported_media_type']);
    }
    expect((await send({ 'content-type': 'application/json; charset=UTF-8' })).status).toBe(200);
    expect((await send({ 'Content-Type': 'application/json' })).status).toBe(200);
  });

  it('refuses two values of a declared header (400) or of Authorization (401), repeated or joined by a comma', async () => {
    const keyed = endpoint({
      auth: false, status: 200, headers: [{ name: 'Idempotency-Key', description: 'a key', schema: z.string() }],
    }, async () => ({ body: {} }));
    for (const headers of [{ 'idempotency-key': 'k-1,k-2' }, { 'idempotency-key': 'k-1, k-2' }, { 'idempotency-key': 'k-1', 'Idempotency-Key': 'k-2' }] as Array<Record<string, string>>) {
      const answer = await invoke(keyed, event({ headers }));
      expect([answer.status, answer.body.code, answer.body.errors[0].path]).toEqual([400, 'validation_failed', 'header.idempotency-key']);
    }
    const accessToken = await issueAccessToken('user-42', 'session-42');
    const authed = endpoint({ auth: tokenOnly, status: 200 }, async () => ({ body: {} }));
    expect((await invoke(authed, event({ headers: { authorization: `Bearer ${accessToken}` } }))).status).toBe(200);
    for (const authorization of [`Bearer ${accessToken},Bearer ${accessToken}`, `Bearer ${accessToken}, Bearer x`]) {
      expect((await invoke(authed, event({ headers: { authorization } }))).body.code).toBe('unauthorized');
    }
  });

  it('refuses any query parameter on a route that declares no query (400), except on the catch-all', async () => {
    const fn = jest.fn(async () => ({ body: {} }));
    const answer = await invoke(endpoint({ auth: false, status: 200 }, fn), event({ query: { limit: '5', sort: 'desc' } }));
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'validation_failed', errors: [
      { path: 'query', message: 'Unrecognized key: "limit"' }, { path: 'query', message: 'Unrecognized key: "sort"' },
    ] });
    expect(fn).not.toHaveBeenCalled();
    expect((await invoke(endpoint({ auth: false, status: 200 }, fn), event({ query: {} }))).status).toBe(200);
    expect((await invoke(endpoint({ method: '*', auth: false, status: 200 }, fn), event({ query: { x: '1' } }))).status).toBe(200);
  });

  it('puts Cache-Control: no-store and nosniff on every answer, success or problem', async () => {
    const ok = await invoke(endpoint({ auth: false, status: 200 }, async () => ({ body: {} })), event());
    const failed = await invoke(endpoint({ auth: false, status: 200 }, async () => { throw new EmailTakenError(); }), event());
    for (const answer of [ok, failed]) {
      expect(answer.headers).toMatchObject({ 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
    }
  });

  it('refuses a route with `auth` without a valid bearer token, and never calls the function', async () => {
    const fn = jest.fn(async () => ({ body: {} }));
    const handler = endpoint({ auth: tokenOnly, status: 200 }, fn);
    const attempts: Array<Record<string, string>> = [{}, { authorization: 'Bearer nope' }, { authorization: 'Basic dXNlcjpwYXNz' }];
    for (const headers of attempts) {
      const answer = await invoke(handler, event({ headers }));
      expect(answer.status).toBe(401);
      expect(answer.headers['www-authenticate']).toBe('Bearer');
      expect(answer.body.code).toBe('unauthorized');
    }
    expect(fn).not.toHaveBeenCalled();
  });

  it('checks the token before the body, so an anonymous caller learns nothing from validation', async () => {
    const handler = endpoint({ auth: tokenOnly, status: 200, body: z.strictObject({ a: z.string() }) }, async () => ({ body: {} }));
    const answer = await invoke(handler, event({ body: '{"b":1}' }));
    expect(answer.status).toBe(401);
  });

  it('hands the function the caller a valid token proves', async () => {
    const accessToken = await issueAccessToken('user-42', 'session-42');
    const handler = endpoint({ auth: tokenOnly, status: 200 }, async ({ caller }) => ({ body: caller }));
    const answer = await invoke(handler, event({ headers: { Authorization: `Bearer ${accessToken}` } }));
    expect(answer).toMatchObject({ status: 200, body: { userId: 'user-42', role: 'user' } });
  });

  it('answers a 204 route with no body and no content type', async () => {
    const handler = endpoint({ auth: false, status: 204 }, async () => ({ body: undefined }));
    const answer = (await handler(event(), context)) as APIGatewayProxyStructuredResultV2;
    expect(answer.statusCode).toBe(204);
    expect(answer.body).toBeUndefined();
    expect(answer.headers?.['content-type']).toBeUndefined();
    expect(answer.headers?.['cache-control']).toBe('no-store');
  });

  it.each([
    ['a route that moves money', [{ name: 'Idempotency-Key', description: 'a key', schema: z.string() }], 'ledger_unavailable'],
    ['any other route', [], 'storage_unavailable'],
  ] as const)('answers %s with a 503 problem when the answer is not out just before the function\'s timeout', async (_, headers, code) => {
    // The function ignores its deadline, as a starved event loop would: middy answers for it, 5 ms before the end.
    const handler = endpoint({ auth: false, status: 200, headers }, () => new Promise(() => {}));
    const hurried = { ...context, getRemainingTimeInMillis: () => 150 } as Context;
    const result = (await handler(event(), hurried)) as APIGatewayProxyStructuredResultV2;
    expect(result.statusCode).toBe(503);
    expect(result.headers?.['content-type']).toBe('application/problem+json');
    expect(JSON.parse(String(result.body))).toMatchObject({ status: 503, code });
    expect(logged.join('\n')).not.toContain('unhandled error');
  });
});
