import fc from 'fast-check';

/**
 * Generated bad requests for every route. Each one carries at least one flaw that the API must refuse (a bad token,
 * a body or query that breaks its schema, a malformed id, another user's id, an action only admins may take), so the
 * answer must be a 4xx problem and nothing may be written; random noise rides along on top of that flaw.
 */
export interface FuzzWorld {
  /** The caller: a user with a funded USD account. */
  attacker: { userId: string; token: string; accountId: string };
  /** Another user, whose ids the attacker must never reach. */
  victim: { userId: string; accountId: string; transactionId: string };
  systemAccountId: string;
  /** Tokens that must all be refused: tampered, expired, `alg: none`, signed with another key. */
  badTokens: string[];
}

export interface FuzzRequest {
  label: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** A JSON value written out verbatim, for numbers JavaScript cannot hold (2^80, 1e400). */
interface Raw {
  raw: string;
}

const limitBytes = 64 * 1024;
const badIds = [
  '', 'x'.repeat(65), '../../etc/passwd', 'é', '😀', 'id with space', 'a;b', '%00', '\u0000', 'ACCOUNT#x', '1'.repeat(200),
];
const badValues: Record<string, unknown[]> = {
  amount: [0, -1, -9007199254740991, 1.5, 0.1, 9007199254740992, { raw: '1e400' }, { raw: '123456789012345678901234567890' },
    { raw: '-0' }, '100', null, true, [], {}, [1]],
  currency: ['usd', 'XXX', 'US', 'USDD', '', 1, null, ['USD'], 'XAU'],
  id: [...badIds, 1, null, {}, []],
  text: ['x'.repeat(281), 1, true, {}, ['a'], null],
  name: ['', '   ', 'x'.repeat(101), 1, {}, null],
  type: ['admin', 'SYSTEM', '', 1, null],
  email: ['not-an-email', '', 'a@', '@b.c', 'x'.repeat(250) + '@example.com', 1, null, ['a@b.c']],
  password: ['short', '', 'x'.repeat(129), 1, null, {}],
};

/** Each POST route's valid body, and the kind of bad value each field takes. */
function bodyRoutes(world: FuzzWorld) {
  return [
    {
      path: '/v1/transfers',
      base: { fromAccountId: world.attacker.accountId, toAccountId: world.victim.accountId, amount: 1, currency: 'USD', description: 'fuzz' },
      fields: { fromAccountId: 'id', toAccountId: 'id', amount: 'amount', currency: 'currency', description: 'text' },
      required: ['fromAccountId', 'toAccountId', 'amount', 'currency'],
    },
    {
      path: '/v1/accounts', base: { currency: 'USD', name: 'fuzz' },
      fields: { currency: 'currency', name: 'name', type: 'type', ownerId: 'id' }, required: ['currency'],
    },
    {
      path: '/api/v1/users/register',
      base: { email: 'fuzz-new@example.com', password: 'a-long-enough-password' },
      fields: { email: 'email', password: 'password', name: 'name' },
      required: ['email', 'password'],
    },
    {
      path: '/api/v1/users/login',
      base: { email: 'fuzz-new@example.com', password: 'a-long-enough-password' },
      fields: { email: 'email', password: 'password' },
      required: ['email', 'password'],
    },
  ];
}

/** Writes JSON, with `Raw` values verbatim. */
function toJson(value: unknown): string {
  if (value && typeof value === 'object' && 'raw' in value && typeof (value as Raw).raw === 'string') return (value as Raw).raw;
  if (Array.isArray(value)) return `[${value.map(toJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const unicodeText = fc.string({ unit: 'binary', maxLength: 40 });
const deepNesting = fc.integer({ min: 50, max: 5000 }).map((depth) => ({ raw: `${'['.repeat(depth)}${']'.repeat(depth)}` }));

/** A body with one sure flaw (plus noise), as raw text. */
function badBodyArb(world: FuzzWorld): fc.Arbitrary<{ path: string; body: string; label: string }> {
  return fc.constantFrom(...bodyRoutes(world)).chain((route) => {
    const fieldNames = Object.keys(route.fields) as Array<keyof typeof route.fields>;
    const flaw = fc.oneof(
      fc.constantFrom(...fieldNames).chain((field) =>
        fc.constantFrom(...badValues[route.fields[field] as string]!).map((bad) => ({
          label: `bad ${String(field)}`, body: toJson({ ...route.base, [field]: bad }),
        }))),
      fc.constantFrom(...route.required).map((field) => {
        const { [field]: _dropped, ...rest } = route.base as Record<string, unknown>;
        return { label: `missing ${String(field)}`, body: toJson(rest) };
      }),
      fc.oneof(unicodeText, fc.constantFrom('__proto__', 'constructor', 'role', 'balance', 'status'))
        .filter((key) => !Object.hasOwn(route.fields, key))
        .map((key) => ({ label: 'unknown key', body: toJson({ ...route.base, [key]: 'x' }) })),
      fc.oneof(fc.constantFrom<unknown>([], 1, 'text', null, true, [route.base]), deepNesting)
        .map((value) => ({ label: 'not an object', body: toJson(value) })),
      deepNesting.map((nest) => ({ label: 'deep nesting', body: toJson({ ...route.base, [fieldNames[0]!]: nest }) })),
      fc.constantFrom(...fieldNames).chain((field) =>
        fc.constantFrom(...badValues[route.fields[field] as string]!).map((bad) => ({
          // JSON.parse keeps the last of duplicate keys, so the bad value comes last.
          label: 'duplicate key', body: `${toJson(route.base).slice(0, -1)},${JSON.stringify(field)}:${toJson(bad)}}`,
        }))),
      fc.oneof(unicodeText, fc.constantFrom('{', '{"a":', '{"amount":1,}', "{'a':1}", 'undefined', 'NaN', '\uFEFF{}'))
        .filter((text) => { try { JSON.parse(text); return false; } catch { return true; } })
        .map((text) => ({ label: 'not JSON', body: text })),
      fc.integer({ min: limitBytes + 1, max: 2 * limitBytes }).map((size) => ({
        label: 'oversized', body: toJson({ ...route.base, padding: 'x'.repeat(size) }),
      })),
    );
    return flaw.map((flawed) => ({ path: route.path, ...flawed }));
  });
}

const badQueryArb = fc.oneof(
  fc.constantFrom('0', '101', '-1', 'abc', '1.5', '', '99999999999999999999', 'NaN', '٣').map((v) => ({ label: 'bad limit', q: `limit=${encodeURIComponent(v)}` })),
  fc.oneof(unicodeText.filter((s) => s.length > 0), fc.constant('x'.repeat(600))).map((v) => ({ label: 'bad cursor', q: `cursor=${encodeURIComponent(v)}` })),
  fc.constantFrom('limit=5&limit=6', 'foo=1', 'limit=10&sort=desc', 'cursor=&limit=1').map((q) => ({ label: 'bad query shape', q })),
);

/** Every kind of bad request, for the world's attacker. */
export function fuzzRequestArb(world: FuzzWorld): fc.Arbitrary<FuzzRequest> {
  const auth = { authorization: `Bearer ${world.attacker.token}` };
  const json = { ...auth, 'content-type': 'application/json' };
  const anyRoute = fc.constantFrom(
    { method: 'GET', path: '/api/v1/users/me' },
    { method: 'GET', path: '/v1/accounts' },
    { method: 'POST', path: '/v1/accounts' },
    { method: 'GET', path: `/v1/accounts/${world.attacker.accountId}` },
    { method: 'GET', path: `/v1/accounts/${world.attacker.accountId}/balance` },
    { method: 'GET', path: `/v1/accounts/${world.attacker.accountId}/transactions` },
    { method: 'POST', path: '/v1/transfers' },
    { method: 'GET', path: `/v1/transactions/${world.victim.transactionId}` },
  );
  const badAuth = fc.tuple(anyRoute, fc.oneof(
    fc.constantFrom(...world.badTokens).map((t) => `Bearer ${t}`),
    fc.constantFrom('', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', `bearer  ${'x'.repeat(5000)}`, 'Bearer a.b.c'),
    fc.string({ unit: 'grapheme-ascii', maxLength: 60 }).map((s) => `Bearer ${s}`),
  )).map(([route, authorization]): FuzzRequest => ({
    label: 'bad token', ...route, headers: authorization === '' ? {} : { authorization },
    body: route.method === 'POST' ? '{}' : undefined,
  }));
  const badBody = badBodyArb(world).map(({ path, body, label }): FuzzRequest => ({ label, method: 'POST', path, headers: json, body }));
  const badQuery = fc.tuple(
    fc.constantFrom('/v1/accounts', `/v1/accounts/${world.attacker.accountId}/transactions`), badQueryArb,
  ).map(([path, { label, q }]): FuzzRequest => ({ label, method: 'GET', path: `${path}?${q}`, headers: auth }));
  const badPath = fc.tuple(
    fc.constantFrom('/v1/accounts/{id}', '/v1/accounts/{id}/balance', '/v1/accounts/{id}/transactions', '/v1/transactions/{id}'),
    // Never empty: `/v1/accounts/` is the list route, which is right to answer 200.
    fc.oneof(fc.constantFrom(...badIds.filter((id) => id !== '')), unicodeText.filter((s) => s !== '' && !/^[A-Za-z0-9_-]{1,64}$/.test(s)), fc.uuid()),
  ).map(([template, id]): FuzzRequest => ({
    label: 'bad or unknown id', method: 'GET', path: template.replace('{id}', encodeURIComponent(id)), headers: auth,
  }));
  const foreign = fc.constantFrom<FuzzRequest>(
    ...['', '/balance', '/transactions'].map((suffix) => ({
      label: "another user's account", method: 'GET', path: `/v1/accounts/${world.victim.accountId}${suffix}`, headers: auth,
    })),
    { label: "another user's transaction", method: 'GET', path: `/v1/transactions/${world.victim.transactionId}`, headers: auth },
    { label: "another user's accounts", method: 'GET', path: `/v1/accounts?ownerId=${world.victim.userId}`, headers: auth },
    ...[world.victim.accountId, world.systemAccountId].map((fromAccountId) => ({
      label: "someone else's money", method: 'POST', path: '/v1/transfers', headers: { ...json, 'idempotency-key': `fuzz-${fromAccountId}` },
      body: toJson({ fromAccountId, toAccountId: world.attacker.accountId, amount: 1, currency: 'USD' }),
    })),
    { label: 'admin only: system account', method: 'POST', path: '/v1/accounts', headers: json, body: toJson({ currency: 'USD', type: 'system' }) },
    { label: 'admin only: account for another', method: 'POST', path: '/v1/accounts', headers: json, body: toJson({ currency: 'USD', ownerId: world.victim.userId }) },
  );
  const badKey = fc.oneof(fc.constant(''), fc.constant('k'.repeat(256)), fc.constant('clé')).map((key): FuzzRequest => ({
    label: 'bad idempotency key', method: 'POST', path: '/v1/transfers', headers: { ...json, 'idempotency-key': key },
    body: toJson({ fromAccountId: world.attacker.accountId, toAccountId: world.victim.accountId, amount: 1, currency: 'USD' }),
  }));
  const badRoute = fc.tuple(fc.constantFrom('PUT', 'DELETE', 'PATCH', 'GET', 'POST'), fc.constantFrom(
    '/v1/accounts/x/close', '/v1', '/admin', '/v1/transfers/x', '/api/v1/users', '/v1/accounts/a/b/c',
  )).map(([method, path]): FuzzRequest => ({ label: 'no such route', method, path, headers: auth, body: method === 'GET' ? undefined : '{}' }));
  return fc.oneof(badAuth, badBody, badBody, badQuery, badPath, foreign, badKey, badRoute);
}

/** What the API answered to one fuzzed request, checked: a 4xx with a problem body that agrees with the status. */
export async function sendFuzz(baseUrl: string, request: FuzzRequest): Promise<{ status: number; problem?: string }> {
  const response = await fetch(`${baseUrl}${request.path}`, {
    method: request.method, headers: request.headers, body: request.body, signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  const type = response.headers.get('content-type') ?? '';
  let problem: string | undefined;
  if (response.status < 400 || response.status > 499) problem = `answered ${response.status}`;
  else if (!type.startsWith('application/problem+json')) problem = `content-type ${type}`;
  else {
    try {
      const body = JSON.parse(text) as { status?: unknown; code?: unknown };
      if (body.status !== response.status || typeof body.code !== 'string') problem = 'problem body disagrees with status';
    } catch {
      problem = 'problem body is not JSON';
    }
  }
  if (/\bat .*\.(ts|js):\d+/.test(text)) problem = 'a stack trace leaked';
  return { status: response.status, problem: problem && `${request.label}: ${request.method} ${request.path.slice(0, 80)} ${problem}: ${text.slice(0, 200)}` };
}
