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
  description: 'Creates a user with the `user` role from an email (trimmed and lower-cased), a password of 12 to 128'
    + ' characters and an optional name. The answer is the user; log in next for tokens.',
  tag: 'identity',
  auth: false,
  body: registerBody,
  status: 201,
  location: '/api/v1/users/{id}',
  response: 'user',
  errors: [...inputErrors, EmailTakenError, RegistrationBusyError, ...storageErrors],
  // insertUser: one TransactWriteItems of two conditional Puts (the user and the email claim).
  access: { table: ['PutItem'] },
  hashesPasswords: true,
} satisfies Route;
