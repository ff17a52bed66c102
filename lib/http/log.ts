/**
 * Structured logging: one JSON object per line. Callers pass fields, never raw request bodies or headers, so no
 * password, hash or token can reach a log line.
 */
export function logInfo(message: string, fields: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ level: 'info', message, ...fields }));
}

/** Logs a warning line. */
export function logWarn(message: string, fields: Record<string, unknown> = {}): void {
  console.warn(JSON.stringify({ level: 'warn', message, ...fields }));
}

/** Logs an unexpected error with its stack, for operators; the caller sees none of it. */
export function logError(message: string, error: unknown, fields: Record<string, unknown> = {}): void {
  const detail = error instanceof Error ? { errorName: error.name, stack: error.stack } : { error: String(error) };
  console.error(JSON.stringify({ level: 'error', message, ...fields, ...detail }));
}
