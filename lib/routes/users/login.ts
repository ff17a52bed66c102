import { InvalidCredentialsError, TooManyAttemptsError } from '../../errors';
import { loginBody } from '../../identity/schemas';
import { inputErrors, storageErrors } from '../errors';
import type { Route } from '../route';

/** `POST /api/v1/users/login`: exchanges email and password for a bearer token. */
export const route = {
  name: 'login',
  handler: 'functions/users/login.handler',
  method: 'POST',
  path: '/api/v1/users/login',
  summary: 'Log in for a bearer token',
  auth: false,
  body: loginBody,
  status: 200,
  response: 'accessToken',
  errors: [...inputErrors, InvalidCredentialsError, TooManyAttemptsError, ...storageErrors],
  // The login throttle (lib/storage/login-failures.ts): a BatchGetItem of its two records, a TransactWriteItems of
  // two Updates, then Updates to clear or restore them; findUserByEmail: two GetItems (the email claim, then the
  // user, or a user that never exists); then it signs a token.
  access: { table: ['GetItem', 'BatchGetItem', 'UpdateItem'], signsTokens: true },
  hashesPasswords: true,
} satisfies Route;
