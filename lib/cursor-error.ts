import { AppError } from './app-error';

/**
 * A page cursor this API did not issue for this list: altered, truncated, sealed with another key, or issued for
 * another list or other filters (another account's statement, another range, another owner's accounts).
 */
export class InvalidCursorError extends AppError {
  static readonly code = 'invalid_cursor';
  static readonly status = 400;
  constructor() {
    super('The cursor is not one this list issued; start again from the first page.', [
      { path: 'query.cursor', message: 'A cursor serves only the list and filters of the query that issued it.' },
    ]);
  }
}
