import { STATUS_CODES } from 'node:http';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { AppError } from '../errors';

/** The body of an RFC 9457 problem response. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: ReadonlyArray<{ path: string; message: string }>;
}

/**
 * Turns any thrown value into a problem response. Only an `AppError` shows its message; anything else is a bug and
 * becomes a plain 500 with no detail, so no message, stack or secret leaks.
 */
export function problemResponse(error: unknown): APIGatewayProxyStructuredResultV2 {
  const known = error instanceof AppError;
  const status = known ? error.status : 500;
  const code = known ? error.code : 'internal_error';
  const problem: Problem = {
    type: `/problems/${code}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail: known ? error.message : 'An unexpected error occurred.',
    code,
    ...(known && error.fieldErrors.length > 0 ? { errors: error.fieldErrors } : {}),
  };
  const headers: Record<string, string> = { 'content-type': 'application/problem+json', ...(known ? error.headers : {}) };
  if (status === 401) {
    headers['www-authenticate'] = 'Bearer';
  }
  return { statusCode: status, headers, body: JSON.stringify(problem) };
}
