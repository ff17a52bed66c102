import { AppError } from '../app-error';

/*
 * The refusals of the events API (lib/events/list.ts), in a module of their own; lib/errors.ts re-exports them and
 * lists them in the catalogue.
 */

/** No event has that id (or it is older than the retention), or it touches none of the caller's accounts. */
export class EventNotFoundError extends AppError {
  static readonly code = 'event_not_found';
  static readonly status = 404;
  constructor() {
    super('No event with that id is visible to you.');
  }
}
