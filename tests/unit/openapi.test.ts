import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { openApiDocument } from '../../lib/openapi/document';

/** The routes `serverless.yml` deploys, read from its `httpApi` events. */
function deployedRoutes(): string[] {
  const yaml = readFileSync(resolve(__dirname, '../../serverless.yml'), 'utf8');
  // Inline (`{ method: GET, path: /x }`) or block form, with the path quoted or not.
  const event = /httpApi:\s*\{?\s*method:\s*['"]?([A-Za-z*]+)['"]?,?\s*path:\s*(?:'([^']+)'|"([^"]+)"|([^\s},]+))/g;
  const routes = [...yaml.matchAll(event)]
    .map(([, method, single, double, bare]) => `${method!.toLowerCase()} ${single ?? double ?? bare}`);
  return routes.filter((route) => !route.startsWith('*'));
}

describe('the OpenAPI document', () => {
  const document = openApiDocument();

  it('is OpenAPI 3.1', () => {
    expect(document.openapi).toBe('3.1.0');
  });

  it('describes every route serverless.yml deploys, and no other', () => {
    const documented = Object.entries(document.paths)
      .flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method} ${path}`));
    const deployed = deployedRoutes();
    expect(deployed.length).toBeGreaterThanOrEqual(11);
    expect(documented.sort()).toEqual(deployed.sort());
  });

  it('lists the error codes of each route, with internal_error on all', () => {
    const transfer = document.paths['/v1/transfers']!.post as { 'x-error-codes': string[]; responses: Record<string, unknown> };
    expect(transfer['x-error-codes']).toEqual(expect.arrayContaining([
      'insufficient_funds', 'currency_mismatch', 'same_account', 'idempotency_key_reused', 'account_not_found', 'internal_error',
    ]));
    expect(Object.keys(transfer.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '404', '422', '500']));
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
