import { InvalidCursorError, MfaSessionRequiredError, ForbiddenError, ValidationError } from '../../errors';
import { listUsersQuery } from '../../identity/schemas';
import { authenticate } from '../../identity/standing';
import { authErrors, storageErrors } from '../errors';
import type { Route } from '../route';

/** `GET /api/v1/users`: every user, oldest first, a page at a time (admins only). */
export const route = {
  name: 'listUsers',
  handler: 'functions/users/list.handler',
  method: 'GET',
  path: '/api/v1/users',
  summary: 'List every user (admins)',
  description: 'Every user, oldest first, a page at a time (`limit`, and `cursor` from the previous page). Admins in'
    + ' an MFA session only.',
  tag: 'identity',
  auth: authenticate,
  query: listUsersQuery,
  status: 200,
  response: 'userPage',
  errors: [...authErrors, ValidationError, InvalidCursorError, ForbiddenError, MfaSessionRequiredError, ...storageErrors],
  // The caller's standing: GetItems; queryUsers reads the user list in the index only.
  access: { table: ['GetItem'], index: ['Query'] },
} satisfies Route;
