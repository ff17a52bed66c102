import { InvalidCredentialsError, MfaCodeRequiredError, TooManyAttemptsError, UserDisabledError } from '../../errors';
import { loginBody } from '../../identity/schemas';
import { inputErrors, storageErrors } from '../errors';
import type { Route } from '../route';

/** `POST /api/v1/users/login`: exchanges email and password for a new session's access and refresh tokens. */
export const route = {
  name: 'login',
  handler: 'functions/users/login.handler',
  method: 'POST',
  path: '/api/v1/users/login',
  summary: 'Log in (with a TOTP code, for a user with MFA) for an access token and a refresh token',
  description: 'Exchanges an email and password (and a current TOTP code, for a user with MFA on) for a new session:'
    + ' a short-lived access token for `Authorization: Bearer` and a refresh token. Repeated failures for '
    + 'one email or from one address answer `429 too_many_attempts` with `Retry-After`.',
  tag: 'identity',
  auth: false,
  body: loginBody,
  status: 200,
  response: 'tokenPair',
  errors: [...inputErrors, InvalidCredentialsError, MfaCodeRequiredError, UserDisabledError, TooManyAttemptsError, ...storageErrors],
  // The login throttle (lib/storage/login-failures.ts): a BatchGetItem of its two records, then Updates (count the
  // email's failure, clear or restore it, add a failure to the address); findUserByEmail: two GetItems (the email
  // claim, then the user, or a user that never exists); a user with MFA: one conditional UpdateItem (the code's step,
  // lib/identity/mfa.ts); insertSession: one TransactWriteItems of two Puts (the
  // session and its refresh token); then it signs a token.
  access: { table: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'], signsTokens: true },
  hashesPasswords: true,
} satisfies Route;
