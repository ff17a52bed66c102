import { EmailTakenError, RegistrationBusyError } from '../../errors';
import { registerBody } from '../../identity/schemas';
import { inputErrors, storageErrors } from '../errors';
import type { Route } from '../route';

/** `POST /api/v1/users/register`: creates a user with the `user` role. */
export const route = {
  name: 'register',
  handler: 'functions/users/register.handler',
  method: 'POST',
  path: '/api/v1/users/register',
  summary: 'Register a user',
  auth: false,
  body: registerBody,
  status: 201,
  response: 'user',
  errors: [...inputErrors, EmailTakenError, RegistrationBusyError, ...storageErrors],
  // insertUser: one TransactWriteItems of two conditional Puts (the user and the email claim).
  access: { table: ['PutItem'] },
  hashesPasswords: true,
} satisfies Route;
