import { InvalidCredentialsError, UserNotFoundError } from '../../errors';
import { changePasswordBody } from '../../identity/schemas';
import { authenticate } from '../../identity/standing';
import { authErrors, inputErrors, storageErrors } from '../errors';
import type { Route } from '../route';

/** `POST /api/v1/users/me/password`: changes the caller's password and revokes every session of the user. */
export const route = {
  name: 'changePassword',
  handler: 'functions/users/password.handler',
  method: 'POST',
  path: '/api/v1/users/me/password',
  summary: "Change the caller's password, revoking every session",
  description: "Changes the caller's password, given the current one, and revokes every session of the user, this "
    + 'one included: log in again with the new password.',
  tag: 'identity',
  auth: authenticate,
  body: changePasswordBody,
  status: 204,
  errors: [...authErrors, ...inputErrors, InvalidCredentialsError, UserNotFoundError, ...storageErrors],
  // The caller's standing and findUserById: GetItems; replacePassword: one conditional UpdateItem.
  access: { table: ['GetItem', 'UpdateItem'] },
  hashesPasswords: true,
} satisfies Route;
