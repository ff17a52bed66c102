import { STATUS_CODES } from 'node:http';
import * as z from 'zod/mini';
import { internalErrorCode } from '../errors';
import { routes } from '../routes';
import type { Route } from '../routes/route';
import { responses } from './responses';

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

/**
 * The OpenAPI 3.1 document of the whole API, generated from the route declarations (lib/routes): their request and
 * response schemas, and their error classes with the status each answers with (lib/errors.ts).
 */
export function openApiDocument() {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    // The catch-all (`*`) answers every path no other route claims: there is no operation to describe.
    if (route.method === '*') continue;
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation(route) };
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

function operation(route: Route) {
  // By class, not by code: `mfa_required` answers 401 at login and 403 on an action.
  const kinds = [...route.errors, { code: internalErrorCode, status: 500 }];
  const codes = kinds.map((kind) => kind.code);
  const parameters = [
    ...fieldsOf(route.params, 'path'),
    ...fieldsOf(route.query, 'query'),
    ...(route.headers ?? []).map((h) => ({ name: h.name, in: 'header', required: h.missing !== undefined, description: h.description, schema: { type: 'string' } })),
  ];
  const responses: Record<string, unknown> = {
    [route.status]: route.status === 204
      ? { description: STATUS_CODES[route.status] }
      : { description: STATUS_CODES[route.status], content: { 'application/json': { schema: responseSchema(route) } } },
  };
  for (const [status, ofStatus] of Object.entries(groupByStatus(kinds))) {
    responses[status] = {
      description: `${STATUS_CODES[Number(status)]}: ${ofStatus.join(', ')}`,
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    };
  }
  return {
    summary: route.summary,
    ...(route.auth !== false ? { security: [{ bearer: [] }] } : {}),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
    responses,
    'x-error-codes': codes,
  };
}

function fieldsOf(schema: z.core.$ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const json = jsonSchema(schema, 'input') as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, fieldSchema]) => ({
    name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: fieldSchema,
  }));
}

function responseSchema(route: Route) {
  if (!route.response) throw new Error(`Route ${route.name} declares no response schema.`);
  return jsonSchema(responses[route.response], 'output');
}

function jsonSchema(schema: z.core.$ZodType, io: 'input' | 'output') {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

function groupByStatus(kinds: ReadonlyArray<{ code: string; status: number }>): Record<string, string[]> {
  const groups: Record<string, string[]> = {};
  for (const { code, status } of kinds) {
    groups[String(status)] = [...(groups[String(status)] ?? []), code];
  }
  return groups;
}
