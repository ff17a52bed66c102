import { MfaSessionRequiredError, UserNotFoundError, ValidationError } from '../../errors';
import { authenticate } from '../../identity/standing';
import { authErrors, storageErrors } from '../errors';
import type { Route } from '../route';

/**
 * `POST /api/v1/users/me/mfa`: starts a TOTP enrolment and answers its secret, once; nothing changes until a code of
 * it is confirmed. A user whose MFA is on enrols again only from a session opened with MFA.
 */
export const route = {
  name: 'enrolMfa',
  handler: 'functions/users/mfa-enrol.handler',
  method: 'POST',
  path: '/api/v1/users/me/mfa',
  summary: 'Start a TOTP (MFA) enrolment: a new secret, pending until confirmed',
  description: 'Starts a TOTP enrolment: answers a new base32 secret and its `otpauth://` URL for an authenticator '
    + 'app. The secret stays pending, and MFA off, until it is confirmed with a current code.',
  tag: 'identity',
  auth: authenticate,
  status: 201,
  location: '/api/v1/users/me',
  response: 'mfaEnrolment',
  errors: [...authErrors, ValidationError, MfaSessionRequiredError, UserNotFoundError, ...storageErrors],
  // The caller's standing and findUserById: GetItems; the pending secret: one conditional UpdateItem.
  access: { table: ['GetItem', 'UpdateItem'] },
} satisfies Route;
