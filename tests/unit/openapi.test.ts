import { errorCatalogue, internalErrorCode } from '../../lib/errors';
import { openApiDocument } from '../../lib/openapi/document';
import { idempotencyKey } from '../../lib/ledger/schemas';
import { routes } from '../../lib/routes';
import { routeTags } from '../../lib/routes/tags';

type Response = { description: string; headers?: Record<string, { $ref: string }>; content?: Record<string, unknown> };
type Operation = {
  operationId: string; tags: string[]; summary: string; description: string; security?: unknown; 'x-error-codes': string[];
  responses: Record<string, Response>; parameters?: Array<{ name: string; in: string; schema: { pattern?: string } }>;
};

describe('the OpenAPI document', () => {
  const document = openApiDocument();
  const operations = Object.entries(document.paths)
    .flatMap(([path, byMethod]) => Object.entries(byMethod).map(([method, operation]) => [`${method} ${path}`, operation as Operation] as const));
  const declared = routes.filter((route) => route.method !== '*');

  it('is OpenAPI 3.1', () => {
    expect(document.openapi).toBe('3.1.0');
  });

  it('describes every declared route but the catch-all, and no other', () => {
    expect(declared.length).toBeGreaterThanOrEqual(11);
    expect(operations.map(([key]) => key).sort()).toEqual(declared.map((r) => `${r.method.toLowerCase()} ${r.path}`).sort());
    for (const route of declared) {
      const operation = document.paths[route.path]![route.method.toLowerCase()] as Operation;
      expect(operation.summary).toBe(route.summary);
      expect(operation.security).toEqual(route.auth !== false ? [{ bearer: [] }] : []);
    }
  });

  it('lists the error codes of each route, with internal_error on all, as the declaration names them', () => {
    const transfer = document.paths['/v1/transfers']!.post as Operation;
    expect(transfer['x-error-codes']).toEqual(expect.arrayContaining([
      'insufficient_funds', 'currency_mismatch', 'same_account', 'idempotency_key_reused', 'account_not_found', 'internal_error',
    ]));
    expect(Object.keys(transfer.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '404', '422', '500']));
    for (const route of declared) {
      const operation = document.paths[route.path]![route.method.toLowerCase()] as Operation;
      expect(operation['x-error-codes']).toEqual([...route.errors.map((kind) => kind.code), internalErrorCode]);
    }
  });

  it('answers each code with the status its class in the catalogue gives it, and no other problem status', () => {
    for (const route of declared) {
      const key = `${route.method.toLowerCase()} ${route.path}`;
      const operation = document.paths[route.path]![route.method.toLowerCase()] as Operation;
      const expected: Record<string, string[]> = {};
      for (const kind of [...route.errors, { code: internalErrorCode, status: 500 }]) {
        expect([key, kind.code === internalErrorCode || (errorCatalogue as readonly unknown[]).includes(kind)]).toEqual([key, true]);
        (expected[String(kind.status)] ??= []).push(kind.code);
      }
      for (const [status, codes] of Object.entries(expected)) {
        expect(operation.responses[status]!.description).toMatch(new RegExp(`: ${codes.join(', ')}$`));
      }
      // API Gateway may throttle any operation (429), whatever the route's own errors.
      const problemStatuses = Object.keys(operation.responses).filter((status) => Number(status) >= 400);
      expect(problemStatuses.sort()).toEqual([...new Set([...Object.keys(expected), '429'])].sort());
    }
  });

  it('derives request schemas from the validating zod schemas', () => {
    const transfer = document.paths['/v1/transfers']!.post as {
      requestBody: { content: { 'application/json': { schema: { properties: Record<string, { type?: string; maximum?: number }>; additionalProperties?: boolean } } } };
    };
    const schema = transfer.requestBody.content['application/json'].schema;
    expect(schema.properties.amount).toMatchObject({ type: 'integer', maximum: Number.MAX_SAFE_INTEGER });
    expect(schema.additionalProperties).toBe(false);
  });

  it('gives every operation its route\'s name as operationId, its tag, summary and description', () => {
    const tagNames = document.tags.map((tag) => tag.name);
    expect(tagNames).toEqual(Object.keys(routeTags));
    for (const route of declared) {
      const operation = document.paths[route.path]![route.method.toLowerCase()] as Operation;
      expect(operation).toMatchObject({ operationId: route.name, tags: [route.tag], description: route.description });
      expect(route.description).toMatch(/^[A-Z`].{20,}\.$/s);
      expect(tagNames).toContain(route.tag);
    }
    expect(new Set(operations.map(([, op]) => op.operationId)).size).toBe(operations.length);
  });

  it('shares the named schemas in components, and refers to them', () => {
    const named = ['Currency', 'Account', 'Transaction', 'Entry', 'Problem', 'AccountPage', 'TransactionPage', 'UserPage', 'User'];
    expect(Object.keys(document.components.schemas)).toEqual(expect.arrayContaining(named));
    const text = JSON.stringify(document.paths);
    for (const name of named.filter((n) => n !== 'Entry' && n !== 'User')) expect(text).toContain(`"#/components/schemas/${name}"`);
    const account = document.components.schemas.Account as { properties: Record<string, { format?: string; $ref?: string }> };
    expect(account.properties).toMatchObject({
      id: { format: 'uuid' }, ownerId: { format: 'uuid' }, createdAt: { format: 'date-time' }, currency: { $ref: '#/components/schemas/Currency' },
    });
    expect((document.components.schemas.User as { properties: { email: { format: string } } }).properties.email.format).toBe('email');
  });

  it('declares the headers each answer carries: Location on 201s, Idempotent-Replayed, WWW-Authenticate, Retry-After', () => {
    for (const route of declared) {
      const operation = document.paths[route.path]![route.method.toLowerCase()] as Operation;
      const success = operation.responses[String(route.status)]!;
      expect([route.name, success.headers?.Location !== undefined]).toEqual([route.name, route.status === 201]);
      const movesMoney = (route.headers ?? []).some((h) => h.name === 'Idempotency-Key');
      expect([route.name, success.headers?.['Idempotent-Replayed'] !== undefined]).toEqual([route.name, movesMoney]);
      if (operation.responses['401']) expect(operation.responses['401'].headers?.['WWW-Authenticate']).toBeDefined();
      expect(operation.responses['429']!.content?.['application/json']).toEqual({ schema: { $ref: '#/components/schemas/GatewayThrottle' } });
    }
    const login = document.paths['/api/v1/users/login']!.post as Operation;
    expect(login.responses['429']!.headers?.['Retry-After']).toEqual({ $ref: '#/components/headers/RetryAfter' });
    for (const ref of JSON.stringify(document.paths).match(/#\/components\/headers\/\w+/g) ?? []) {
      expect(Object.keys(document.components.headers)).toContain(ref.split('/').pop());
    }
  });

  it('states the Idempotency-Key the API really accepts: 1–255 printable ASCII characters, no comma', () => {
    const transfer = document.paths['/v1/transfers']!.post as Operation;
    const pattern = new RegExp(transfer.parameters!.find((p) => p.name === 'Idempotency-Key')!.schema.pattern!);
    for (const key of ['a', 'x'.repeat(255), 'order 42/retry~!', ' ']) expect([key, pattern.test(key)]).toEqual([key, true]);
    for (const key of ['', 'x'.repeat(256), 'a,b', 'é', 'tab\there']) expect([key, pattern.test(key)]).toEqual([key, false]);
    for (const key of ['a', 'a,b', 'x'.repeat(256), '~']) expect([key, pattern.test(key)]).toEqual([key, idempotencyKey.safeParse(key).success]);
  });
});
