import { InvalidRefreshTokenError } from '../../errors';
import { refreshBody } from '../../identity/schemas';
import { inputErrors, storageErrors } from '../errors';
import type { Route } from '../route';

/** `POST /api/v1/users/logout`: revokes the session a refresh token belongs to. */
export const route = {
  name: 'logout',
  handler: 'functions/users/logout.handler',
  method: 'POST',
  path: '/api/v1/users/logout',
  summary: 'Log out: revoke the session of a refresh token',
  description: 'Revokes the session a refresh token belongs to: its refresh token stops working at once, and its '
    + 'access tokens within their lifetime (at most 15 minutes).',
  tag: 'identity',
  // The refresh token in the body is the credential: a client whose access token has expired can still log out.
  auth: false,
  body: refreshBody,
  status: 204,
  errors: [...inputErrors, InvalidRefreshTokenError, ...storageErrors],
  // findRefreshToken: a GetItem; revokeSession: an UpdateItem.
  access: { table: ['GetItem', 'UpdateItem'] },
} satisfies Route;
