/**
 * The base of every expected failure (the catalogue of its subclasses is `lib/errors.ts`, which re-exports this), and
 * `assert` for what must never happen.
 */
export abstract class AppError extends Error {
  readonly code: string;
  readonly status: number;
  /** Field-level problems, shown to the caller for validation failures. */
  readonly fieldErrors: ReadonlyArray<{ path: string; message: string }>;
  /** Headers the problem answer carries besides its content type. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    message: string,
    fieldErrors: AppError['fieldErrors'] = [],
    kind: { code: string; status: number } = new.target as unknown as { code: string; status: number },
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = new.target.name;
    this.code = kind.code;
    this.status = kind.status;
    this.fieldErrors = fieldErrors;
    this.headers = headers;
  }
}

/**
 * A refusal that an idempotency key bound, answered again exactly as it was the first time (its status, code and
 * detail), with `Idempotent-Replayed: true`. Its code is the first refusal's, which is in the catalogue.
 */
export class ReplayedRefusalError extends AppError {
  constructor(refusal: { status: number; code: string; detail: string }) {
    super(refusal.detail, [], refusal, { 'idempotent-replayed': 'true' });
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
