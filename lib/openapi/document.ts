import { STATUS_CODES } from 'node:http';
import * as z from 'zod/mini';
import { routes, type RouteDoc } from './routes';

const problemSchema = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string' },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    code: { type: 'string', description: 'A stable, machine-readable error code.' },
    errors: {
      type: 'array',
      items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } },
    },
  },
};

/** Which HTTP status each problem code answers with. */
const statusOfCode: Record<string, number> = {
  validation_failed: 400, malformed_json: 400, unauthorized: 401, invalid_credentials: 401, forbidden: 403,
  user_not_found: 404, account_not_found: 404, transaction_not_found: 404, email_taken: 409, payload_too_large: 413,
  same_account: 422, currency_mismatch: 422, insufficient_funds: 422, balance_limit_exceeded: 422,
  idempotency_key_reused: 422, ledger_busy: 503, ledger_unavailable: 503, storage_unavailable: 503,
  registration_busy: 503, route_not_found: 404, internal_error: 500,
};

/** The OpenAPI 3.1 document of the whole API, generated from the request and response schemas. */
export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    paths[route.path] = { ...paths[route.path], [route.method]: operation(route) };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Serverless payments API', version: '1.0.0' },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: { Problem: problemSchema },
    },
    paths,
  };
}

function operation(route: RouteDoc) {
  const parameters = [
    ...fieldsOf(route.params, 'path'),
    ...fieldsOf(route.query, 'query'),
    ...(route.headers ?? []).map((h) => ({ name: h.name, in: 'header', required: false, description: h.description, schema: { type: 'string' } })),
  ];
  const responses: Record<string, unknown> = {
    [route.status]: { description: STATUS_CODES[route.status], content: { 'application/json': { schema: jsonSchema(route.response, 'output') } } },
  };
  for (const [status, codes] of Object.entries(groupByStatus([...route.errors, 'internal_error']))) {
    responses[status] = {
      description: `${STATUS_CODES[Number(status)]}: ${codes.join(', ')}`,
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    };
  }
  return {
    summary: route.summary,
    ...(route.auth ? { security: [{ bearer: [] }] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
    responses,
    'x-error-codes': [...route.errors, 'internal_error'],
  };
}

function fieldsOf(schema: z.core.$ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const json = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, fieldSchema]) => ({
    name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: fieldSchema,
  }));
}

function jsonSchema(schema: z.core.$ZodType, io: 'input' | 'output') {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

function groupByStatus(codes: string[]): Record<string, string[]> {
  const groups: Record<string, string[]> = {};
  for (const code of codes) {
    const status = String(statusOfCode[code] ?? 500);
    groups[status] = [...(groups[status] ?? []), code];
  }
  return groups;
}
