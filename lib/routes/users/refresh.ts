import { InvalidRefreshTokenError } from '../../errors';
import { refreshBody } from '../../identity/schemas';
import { inputErrors, storageErrors } from '../errors';
import type { Route } from '../route';

/** `POST /api/v1/users/token/refresh`: spends a refresh token for a new pair; a spent one revokes its session. */
export const route = {
  // Not `refreshToken`: the function's name is in every log line of it, where the log scan looks for that field name.
  name: 'refreshSession',
  handler: 'functions/users/refresh.handler',
  method: 'POST',
  path: '/api/v1/users/token/refresh',
  summary: 'Spend a refresh token for a new access token and refresh token',
  description: 'Spends a refresh token for a new access token and a new refresh token of the same session. A refresh'
    + ' token works once: presenting a spent one revokes its whole session.',
  tag: 'identity',
  auth: false,
  body: refreshBody,
  status: 200,
  response: 'tokenPair',
  errors: [...inputErrors, InvalidRefreshTokenError, ...storageErrors],
  // findRefreshToken, findSession, findUserById: GetItems; rotateRefreshToken: one TransactWriteItems of an Update
  // (the spent token), a Put (its successor) and an Update (the session); a reuse: revokeSession's UpdateItem. Then it
  // signs a token.
  access: { table: ['GetItem', 'PutItem', 'UpdateItem'], signsTokens: true },
} satisfies Route;
