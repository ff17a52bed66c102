import { InvalidTotpError, MfaNotPendingError, MfaSessionRequiredError, UserNotFoundError } from '../../errors';
import { confirmMfaBody } from '../../identity/schemas';
import { authenticate } from '../../identity/standing';
import { authErrors, inputErrors, storageErrors } from '../errors';
import type { Route } from '../route';

/** `POST /api/v1/users/me/mfa/confirm`: confirms the pending TOTP secret with a current code, turning MFA on. */
export const route = {
  name: 'confirmMfa',
  handler: 'functions/users/mfa-confirm.handler',
  method: 'POST',
  path: '/api/v1/users/me/mfa/confirm',
  summary: 'Confirm the pending TOTP secret with a current code, turning MFA on',
  description: 'Confirms the pending TOTP secret with a code it currently generates, which turns MFA on: logins then'
    + ' need a code, and admin actions need a session opened with one.',
  tag: 'identity',
  auth: authenticate,
  body: confirmMfaBody,
  status: 204,
  errors: [...authErrors, ...inputErrors, MfaSessionRequiredError, UserNotFoundError, MfaNotPendingError, InvalidTotpError, ...storageErrors],
  // The caller's standing and findUserById: GetItems; the confirmation: one conditional UpdateItem.
  access: { table: ['GetItem', 'UpdateItem'] },
} satisfies Route;
