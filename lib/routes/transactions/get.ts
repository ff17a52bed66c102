import { MfaSessionRequiredError, TransactionNotFoundError, ValidationError } from '../../errors';
import { authenticate } from '../../identity/standing';
import { idParams } from '../../ledger/schemas';
import { authErrors, storageErrors } from '../errors';
import type { Route } from '../route';

/** `GET /v1/transactions/{id}`: a transaction with its entries, if the caller owns either side. */
export const route = {
  name: 'getTransaction',
  handler: 'functions/transactions/get.handler',
  method: 'GET',
  path: '/v1/transactions/{id}',
  summary: 'Read a transaction with its entries',
  description: 'A transaction with its entries, if the caller owns an account of one of them (any, for an admin).',
  tag: 'transactions',
  auth: authenticate,
  params: idParams,
  status: 200,
  response: 'transaction',
  errors: [...authErrors, ValidationError, TransactionNotFoundError, MfaSessionRequiredError, ...storageErrors],
  access: { table: ['GetItem'] },
} satisfies Route;
