import { InvalidCredentialsError } from '../../errors';
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
  errors: [...inputErrors, InvalidCredentialsError, ...storageErrors],
  // findUserByEmail: two GetItems (the email claim, then the user); then it signs a token.
  access: { table: ['GetItem'], signsTokens: true },
  hashesPasswords: true,
} satisfies Route;
