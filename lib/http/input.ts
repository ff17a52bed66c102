import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as z from 'zod/mini';
import { config } from '../config';
import { MalformedJsonError, PayloadTooLargeError, ValidationError } from '../errors';

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
 * Reads the JSON body: refuses it over the size limit (413) or when it is not JSON (400). A missing body reads as
 * `undefined`, which the route's schema then rejects if it needs one.
 */
export function readJsonBody(event: APIGatewayProxyEventV2): unknown {
  if (event.body === undefined || event.body === null || event.body === '') return undefined;
  const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
  if (raw.byteLength > config.bodyLimitBytes) throw new PayloadTooLargeError(config.bodyLimitBytes);
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new MalformedJsonError();
  }
}

/** Reads one header, case-insensitively (API Gateway lower-cases them; other callers may not). */
export function header(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}
