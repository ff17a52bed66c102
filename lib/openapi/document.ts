import { STATUS_CODES } from 'node:http';
import * as z from 'zod/mini';
import { internalErrorCode, TooManyAttemptsError } from '../errors';
import { routes } from '../routes';
import type { Route } from '../routes/route';
import { gatewayThrottleSchema, headerRef, problemSchema, responseHeaders, schemaMeta } from './components';
import { documentHead } from './info';
import { responses } from './responses';

type Json = Record<string, unknown>;

/**
 * The OpenAPI 3.1 document of the whole API, generated from the route declarations (lib/routes): their request and
 * response schemas, their descriptions and tags, and their error classes with the status each answers with
 * (lib/errors.ts). Schemas named in ./components.ts are shared under `components.schemas`.
 */
export function openApiDocument() {
  const schemas: Record<string, unknown> = { Problem: problemSchema, GatewayThrottle: gatewayThrottleSchema };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    // The catch-all (`*`) answers every path no other route claims: there is no operation to describe.
    if (route.method === '*') continue;
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation(route, schemas) };
  }
  return {
    openapi: '3.1.0',
    ...documentHead,
    paths,
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token from login or refresh.' },
      },
      schemas,
      headers: responseHeaders,
    },
  };
}

function operation(route: Route, schemas: Record<string, unknown>) {
  const convert = (schema: z.core.$ZodType, io: 'input' | 'output') => jsonSchema(schema, io, schemas);
  // By class, not by code: `mfa_required` answers 401 at login and 403 on an action.
  const kinds = [...route.errors, { code: internalErrorCode, status: 500 }];
  const parameters = [
    ...fieldsOf(route.params, 'path', convert),
    ...fieldsOf(route.query, 'query', convert),
    ...(route.headers ?? []).map((h) => ({
      name: h.name, in: 'header', required: h.missing !== undefined, description: h.description, schema: convert(h.schema, 'input'),
    })),
  ];
  const movesMoney = (route.headers ?? []).some(({ name }) => name.toLowerCase() === 'idempotency-key');
  const always = { 'Cache-Control': headerRef('CacheControl'), 'X-Content-Type-Options': headerRef('ContentTypeOptions') };
  const successHeaders = {
    ...always,
    ...(route.location ? { Location: headerRef('Location') } : {}),
    ...(movesMoney ? { 'Idempotent-Replayed': headerRef('IdempotentReplayed') } : {}),
  };
  const answers: Record<string, unknown> = {
    [route.status]: {
      description: STATUS_CODES[route.status],
      headers: successHeaders,
      ...(route.status === 204 ? {} : { content: successContent(route, convert) }),
    },
  };
  for (const [status, codes] of Object.entries(groupByStatus(kinds))) {
    answers[status] = problemAnswer(Number(status), codes, { always, movesMoney });
  }
  answers['429'] = throttled(answers['429'] as Json | undefined);
  return {
    operationId: route.name,
    tags: [route.tag],
    summary: route.summary,
    description: route.description,
    security: route.auth !== false ? [{ bearer: [] }] : [],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: convert(route.body, 'input') } } } } : {}),
    responses: answers,
    'x-error-codes': kinds.map((kind) => kind.code),
  };
}

/** A problem answer of one status: the codes it carries, and the headers that come with them. */
function problemAnswer(status: number, codes: string[], { always, movesMoney }: { always: Json; movesMoney: boolean }): Json {
  const headers: Json = {
    ...always,
    ...(status === 401 ? { 'WWW-Authenticate': headerRef('WwwAuthenticate') } : {}),
    ...(codes.includes(TooManyAttemptsError.code) ? { 'Retry-After': headerRef('RetryAfter') } : {}),
    // A refusal bound to an Idempotency-Key (a 422) is answered again, as it was, on a retry with that key.
    ...(movesMoney && status === 422 ? { 'Idempotent-Replayed': headerRef('IdempotentReplayed') } : {}),
  };
  return {
    description: `${STATUS_CODES[status]}: ${codes.join(', ')}`,
    headers,
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    'x-error-codes': codes,
  };
}

/** Any operation may be throttled by API Gateway (429), besides a route's own 429 problem (login's too_many_attempts). */
function throttled(own: Json | undefined): Json {
  const gateway = { 'application/json': { schema: { $ref: '#/components/schemas/GatewayThrottle' } } };
  if (!own) return { description: `${STATUS_CODES[429]}: API Gateway's throttle`, content: gateway, 'x-error-codes': [] };
  const description = (own.description as string).replace(':', ", or API Gateway's throttle:");
  return { ...own, description, content: { ...(own.content as Json), ...gateway } };
}

type Convert = (schema: z.core.$ZodType, io: 'input' | 'output') => Json;

function fieldsOf(schema: z.core.$ZodType | undefined, where: 'path' | 'query', convert: Convert) {
  if (!schema) return [];
  const json = convert(schema, 'input') as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, fieldSchema]) => {
    const { description, ...rest } = fieldSchema;
    return {
      name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: rest,
      ...(typeof description === 'string' ? { description } : {}),
    };
  });
}

function successContent(route: Route, convert: Convert) {
  if (route.media) return { [route.media.split(';')[0]!]: { schema: { type: 'string' } } };
  if (!route.response) throw new Error(`Route ${route.name} declares no response schema.`);
  return { 'application/json': { schema: convert(responses[route.response], 'output') } };
}

/**
 * A zod schema as JSON Schema, its named parts (./components.ts) moved to `schemas` and referred to there. A name
 * whose schema comes out otherwise from another route (input and output differ) is a bug in the registry.
 */
function jsonSchema(schema: z.core.$ZodType, io: 'input' | 'output', schemas: Record<string, unknown>): Json {
  const { $schema: _dialect, $defs, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', metadata: schemaMeta }) as Json;
  for (const [name, def] of Object.entries(($defs ?? {}) as Record<string, unknown>)) {
    const shared = relinked(def);
    if (schemas[name] !== undefined && JSON.stringify(schemas[name]) !== JSON.stringify(shared)) {
      throw new Error(`The schema ${name} differs between its uses (${io}).`);
    }
    schemas[name] = shared;
  }
  return relinked(rest) as Json;
}

/** Points zod's `#/$defs/<name>` references at `#/components/schemas/<name>`. */
function relinked(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(relinked);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [
    key, key === '$ref' && typeof inner === 'string' ? inner.replace('#/$defs/', '#/components/schemas/') : relinked(inner),
  ]));
}

function groupByStatus(kinds: ReadonlyArray<{ code: string; status: number }>): Record<string, string[]> {
  const groups: Record<string, string[]> = {};
  for (const { code, status } of kinds) {
    groups[String(status)] = [...(groups[String(status)] ?? []), code];
  }
  return groups;
}
