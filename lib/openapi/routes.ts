import * as z from 'zod/mini';
import { loginBody, registerBody } from '../identity/schemas';
import { createAccountBody, idParams, listAccountsQuery, statementQuery, transferBody } from '../ledger/schemas';
import { accessTokenView, userView } from '../identity/views';
import { accountView, balanceView, pageOf, transactionView } from '../ledger/views';

/** One route as the OpenAPI document describes it, built from the very schemas that validate its requests. */
export interface RouteDoc {
  method: 'get' | 'post';
  path: string;
  summary: string;
  auth: boolean;
  body?: z.core.$ZodType;
  query?: z.core.$ZodType;
  params?: z.core.$ZodType;
  headers?: Array<{ name: string; description: string }>;
  status: number;
  response: z.core.$ZodType;
  /** The problem codes this route can answer with, besides `internal_error`. */
  errors: string[];
}

const authErrors = ['unauthorized'];
/** A read that DynamoDB kept throttling or timing out through the SDK's retries. */
const storageErrors = ['storage_unavailable'];
const inputErrors = ['validation_failed', 'malformed_json', 'payload_too_large'];

/** Every route of the HTTP API. A test checks this list against `serverless.yml`. */
export const routes: RouteDoc[] = [
  {
    method: 'post', path: '/api/v1/users/register', summary: 'Register a user', auth: false, body: registerBody,
    status: 201, response: userView, errors: [...inputErrors, 'email_taken', 'registration_busy', ...storageErrors],
  },
  {
    method: 'post', path: '/api/v1/users/login', summary: 'Log in for a bearer token', auth: false, body: loginBody,
    status: 200, response: accessTokenView, errors: [...inputErrors, 'invalid_credentials', ...storageErrors],
  },
  {
    method: 'get', path: '/api/v1/users/me', summary: "The caller's profile", auth: true,
    status: 200, response: userView, errors: [...authErrors, 'user_not_found', ...storageErrors],
  },
  {
    method: 'post', path: '/v1/accounts', summary: 'Open an account', auth: true, body: createAccountBody,
    status: 201, response: accountView, errors: [...authErrors, ...inputErrors, 'forbidden', 'user_not_found', ...storageErrors],
  },
  {
    method: 'get', path: '/v1/accounts', summary: "List the caller's accounts", auth: true, query: listAccountsQuery,
    status: 200, response: pageOf(accountView), errors: [...authErrors, 'validation_failed', 'forbidden', ...storageErrors],
  },
  {
    method: 'get', path: '/v1/accounts/{id}', summary: 'Read an account', auth: true, params: idParams,
    status: 200, response: accountView, errors: [...authErrors, 'validation_failed', 'account_not_found', ...storageErrors],
  },
  {
    method: 'get', path: '/v1/accounts/{id}/balance', summary: "Read an account's balance", auth: true,
    params: idParams, status: 200, response: balanceView,
    errors: [...authErrors, 'validation_failed', 'account_not_found', ...storageErrors],
  },
  {
    method: 'get', path: '/v1/accounts/{id}/transactions', summary: "An account's transactions, newest first",
    auth: true, params: idParams, query: statementQuery, status: 200, response: pageOf(transactionView),
    errors: [...authErrors, 'validation_failed', 'account_not_found', ...storageErrors],
  },
  {
    method: 'post', path: '/v1/transfers', summary: 'Transfer money between accounts', auth: true, body: transferBody,
    headers: [{
      name: 'Idempotency-Key',
      description: '1–255 printable characters, scoped to the caller and kept 24 hours: a retry with the same key '
        + 'and body replays the first answer with `Idempotent-Replayed: true`.',
    }],
    status: 201, response: transactionView,
    errors: [
      ...authErrors, ...inputErrors, 'account_not_found', 'forbidden', 'same_account', 'currency_mismatch',
      'insufficient_funds', 'balance_limit_exceeded', 'idempotency_key_reused', 'ledger_busy', 'ledger_unavailable',
      ...storageErrors,
    ],
  },
  {
    method: 'get', path: '/v1/transactions/{id}', summary: 'Read a transaction with its entries', auth: true,
    params: idParams, status: 200, response: transactionView,
    errors: [...authErrors, 'validation_failed', 'transaction_not_found', ...storageErrors],
  },
  {
    method: 'get', path: '/openapi.json', summary: 'This document', auth: false,
    status: 200, response: z.looseObject({ openapi: z.string() }), errors: [],
  },
];
