import { ValidationError } from '../errors';

/**
 * Opaque page cursors: base64url of a versioned string, so clients treat them as tokens and we can change what is
 * inside. A cursor that does not decode is a validation error, never a 500.
 */
export function encodeCursor(value: string): string {
  return Buffer.from(`v1:${value}`, 'utf8').toString('base64url');
}

/** Decodes a cursor made by `encodeCursor`, checking its content with `isValid`. */
export function decodeCursor(cursor: string, isValid: (value: string) => boolean): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const value = text.startsWith('v1:') ? text.slice(3) : undefined;
  if (value === undefined || !isValid(value)) {
    throw new ValidationError('The cursor is invalid.', [{ path: 'query.cursor', message: 'Not a cursor this API issued.' }]);
  }
  return value;
}
