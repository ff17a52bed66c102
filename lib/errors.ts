/**
 * Every expected failure is an `AppError`: it carries a stable snake_case `code` that clients may branch on and
 * the HTTP status it maps to. Anything that is not an `AppError` is a bug and answers a plain 500.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  /** Field-level problems, shown to the caller for validation failures. */
  readonly fieldErrors: ReadonlyArray<{ path: string; message: string }>;

  constructor(status: number, code: string, message: string, fieldErrors: AppError['fieldErrors'] = []) {
    super(message);
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.fieldErrors = fieldErrors;
  }
}

/** The request is malformed or breaks a schema rule. */
export class ValidationError extends AppError {
  constructor(message: string, fieldErrors: AppError['fieldErrors'] = []) {
    super(400, 'validation_failed', message, fieldErrors);
  }
}

/** The body is not JSON. */
export class MalformedJsonError extends AppError {
  constructor() {
    super(400, 'malformed_json', 'The request body is not valid JSON.');
  }
}

/** The body is over the size limit. */
export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super(413, 'payload_too_large', `The request body is larger than ${limitBytes} bytes.`);
  }
}

/** The caller did not prove who they are. */
export class UnauthorizedError extends AppError {
  constructor(message = 'A valid bearer token is required.') {
    super(401, 'unauthorized', message);
  }
}

/** Email and password do not match a user; the same error for an unknown email, so accounts cannot be probed. */
export class InvalidCredentialsError extends AppError {
  constructor() {
    super(401, 'invalid_credentials', 'The email or password is incorrect.');
  }
}

/** The caller is known but may not do this. */
export class ForbiddenError extends AppError {
  constructor(message: string) {
    super(403, 'forbidden', message);
  }
}

/** A resource does not exist, or exists but is not the caller's to see. */
export class NotFoundError extends AppError {
  constructor(code: string, message: string) {
    super(404, code, message);
  }
}

/** A unique value (an email) is already taken. */
export class ConflictError extends AppError {
  constructor(code: string, message: string) {
    super(409, code, message);
  }
}

/** The request is well formed but breaks a business rule; nothing was written. */
export class UnprocessableError extends AppError {
  constructor(code: string, message: string) {
    super(422, code, message);
  }
}

/** The platform is busy (bounded retries ran out); the caller may retry, with the same idempotency key. */
export class ServiceUnavailableError extends AppError {
  constructor(code: string, message: string) {
    super(503, code, message);
  }
}

/**
 * Asserts what must never happen. A failure is a bug: it throws a plain `Error`, which answers 500 and leaks nothing.
 */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) {
    throw new Error(`Assertion failed: ${message}`);
  }
}
