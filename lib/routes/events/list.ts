import { InvalidCursorError, MfaSessionRequiredError, ValidationError } from '../../errors';
import { eventListQuery } from '../../events/schemas';
import { authenticate } from '../../identity/standing';
import { authErrors, storageErrors } from '../errors';
import type { Route } from '../route';

/** `GET /v1/events`: the events that touch the caller's accounts (an admin's: every event), newest first. */
export const route = {
  name: 'listEvents',
  handler: 'functions/events/list.handler',
  method: 'GET',
  path: '/v1/events',
  summary: 'List events, newest first',
  description: 'The events of committed changes that touch the caller\'s accounts (an admin with an MFA session: every '
    + 'event), newest first, of one `type` if asked, a page at a time; kept for 30 days. A cursor serves only the list '
    + 'and type it came from, and pages never repeat or skip an event while new ones land.',
  tag: 'events',
  auth: authenticate,
  query: eventListQuery,
  status: 200,
  response: 'eventPage',
  errors: [...authErrors, ValidationError, InvalidCursorError, MfaSessionRequiredError, ...storageErrors],
  // The standing GetItem; a Query of the caller's list, or of each partition of the feed of every event (an admin).
  access: { table: ['GetItem', 'Query'] },
} satisfies Route;
