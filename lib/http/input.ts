import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from 'zod/mini';
import { config } from '../config';
import { type AppError, MalformedJsonError, PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../errors';

/** Converts a zod failure into the validation error every route answers with. */
export function validationError(error: z.core.$ZodError, where: string): ValidationError {
  const fieldErrors = error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  return new ValidationError(`The request ${where} is invalid.`, fieldErrors);
}

/** Parses `value` with `schema`, or throws a `ValidationError` naming the part of the request (`body`, `query` …). */
export function parseWith<S extends z.ZodMiniType>(schema: S, value: unknown, where: string): z.infer<S> {
  // The schema's own method, not `z.safeParse`: a route that parses nothing then bundles no zod at all.
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error, where);
  return result.data;
}

/**
 * Refuses any query parameter on a route that declares none, as a route's strict query schema refuses a parameter it
 * does not name: an unknown parameter is a client's mistake (a typo, a filter this route lacks), never silently
 * ignored. Written without zod, so that a route that parses nothing still bundles none.
 */
export function refuseQuery(event: APIGatewayProxyEventV2): void {
  const names = Object.keys(event.queryStringParameters ?? {});
  if (names.length === 0) return;
  throw new ValidationError('The request query is invalid.', names.map((name) => ({
    path: 'query', message: `Unrecognized key: ${JSON.stringify(name)}`,
  })));
}

/**
 * Reads the JSON body: refuses it over the size limit (413) or when it is not JSON (400), or holds the key `__proto__` (400). A missing body reads as
 * `undefined`, which the route's schema then rejects if it needs one.
 */
export function readJsonBody(event: APIGatewayProxyEventV2): unknown {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (raw.byteLength > config.bodyLimitBytes) throw new PayloadTooLargeError(config.bodyLimitBytes);
  try {
    return JSON.parse(raw.toString('utf8'), refuseProtoKey);
  } catch {
    throw new MalformedJsonError();
  }
}

/**
 * JSON may hold `__proto__` as a key of its own, which a schema's parsed object (metadata, say) would drop without a
 * word, or which code copying keys could turn into a prototype: no body needs it, so a body holding it is refused.
 */
function refuseProtoKey(key: string, value: unknown): unknown {
  if (key === '__proto__') throw new MalformedJsonError();
  return value;
}

/** Reads one header, case-insensitively (API Gateway lower-cases them; other callers may not). */
export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  return headerValues(event, name)[0];
}

/**
 * Reads a header that carries one value, or throws what `refuse` makes when it carries two. API Gateway (payload 2.0)
 * joins the repeats of a header with commas, so a comma is a second value; a second spelling of the name (from a
 * caller other than API Gateway) is one too. Reading only the first or the last would let a proxy and this API each
 * act on a different one.
 */
export function singleHeader(event: APIGatewayProxyEventV2, name: string, refuse: () => AppError): string | undefined {
  const values = headerValues(event, name);
  if (values.length > 1 || values[0]?.includes(',')) throw refuse();
  return values[0];
}

function headerValues(event: APIGatewayProxyEventV2, name: string): string[] {
  const wanted = name.toLowerCase();
  return Object.entries(event.headers ?? {})
    .filter(([key, value]) => key.toLowerCase() === wanted && value !== undefined)
    .map(([, value]) => value as string);
}

/**
 * Refuses (415) a body that is not declared JSON: `application/json`, with no parameter but a UTF-8 charset, which is
 * how the body is read. A missing type is refused too, so a form post or a `text/plain` one is never taken for JSON.
 */
export function requireJsonBody(event: APIGatewayProxyEventV2): void {
  const value = singleHeader(event, 'content-type', () => new UnsupportedMediaTypeError());
  if (value === undefined || !isJsonMediaType(value)) throw new UnsupportedMediaTypeError();
}

/** `application/json`, `application/json; charset=utf-8` (any case, quoted or not); nothing else. */
export function isJsonMediaType(value: string): boolean {
  const [type, ...parameters] = value.split(';').map((part) => part.trim().toLowerCase());
  if (type !== 'application/json') return false;
  return parameters.every((parameter) => /^charset=(utf-8|"utf-8")$/.test(parameter.replace(/\s*=\s*/, '=')));
}

/** Where a request came from, as API Gateway saw it: its request id and source address (`null` where absent). */
export function originOf(event: APIGatewayProxyEventV2): { requestId: string | null; sourceIp: string | null } {
  return { requestId: event.requestContext?.requestId ?? null, sourceIp: event.requestContext?.http?.sourceIp ?? null };
}
