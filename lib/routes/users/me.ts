import { UserNotFoundError, ValidationError } from '../../errors';
import { authenticate } from '../../identity/standing';
import { authErrors, storageErrors } from '../errors';
import type { Route } from '../route';

/** `GET /api/v1/users/me`: the caller's profile. */
export const route = {
  name: 'me',
  handler: 'functions/users/me.handler',
  method: 'GET',
  path: '/api/v1/users/me',
  summary: "The caller's profile",
  description: "The caller's own profile, as the access token identifies it.",
  tag: 'identity',
  auth: authenticate,
  status: 200,
  response: 'user',
  errors: [...authErrors, ValidationError, UserNotFoundError, ...storageErrors],
  access: { table: ['GetItem'] },
} satisfies Route;
