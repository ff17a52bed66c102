import { errorCatalogue, internalErrorCode } from '../../lib/errors';
import { openApiDocument } from '../../lib/openapi/document';
import { routes } from '../../lib/routes';

type Operation = { summary: string; security?: unknown; 'x-error-codes': string[]; responses: Record<string, { description: string }> };

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
      expect(operation.security !== undefined).toBe(route.auth !== false);
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
      const problemStatuses = Object.keys(operation.responses).filter((status) => Number(status) >= 400);
      expect(problemStatuses.sort()).toEqual(Object.keys(expected).sort());
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
});
