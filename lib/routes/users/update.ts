import { MfaSessionRequiredError, ForbiddenError, SelfChangeRefusedError, UserNotFoundError } from '../../errors';
import { updateUserBody, userIdParams } from '../../identity/schemas';
import { authenticate } from '../../identity/standing';
import { authErrors, inputErrors, storageErrors } from '../errors';
import type { Route } from '../route';

/** `PATCH /api/v1/users/{id}`: changes a user's role or whether it is disabled (admins only, never their own). */
export const route = {
  name: 'updateUser',
  handler: 'functions/users/update.handler',
  method: 'PATCH',
  path: '/api/v1/users/{id}',
  summary: "Change a user's role or disable it (admins)",
  description: "Changes a user's role, whether it is disabled, or both; a disabled or demoted user's sessions feel "
    + 'it within seconds. Admins in an MFA session only, and never on themselves.',
  tag: 'identity',
  auth: authenticate,
  params: userIdParams,
  body: updateUserBody,
  status: 200,
  response: 'adminUser',
  errors: [...authErrors, ...inputErrors, ForbiddenError, MfaSessionRequiredError, UserNotFoundError, SelfChangeRefusedError, ...storageErrors],
  // The caller's standing: GetItems; setUserStanding: one conditional UpdateItem.
  access: { table: ['GetItem', 'UpdateItem'] },
} satisfies Route;
