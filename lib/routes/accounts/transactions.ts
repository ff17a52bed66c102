import { InvalidCursorError, MfaSessionRequiredError, AccountNotFoundError, ValidationError } from '../../errors';
import { authenticate } from '../../identity/standing';
import { idParams, statementQuery } from '../../ledger/schemas';
import { authErrors, storageErrors } from '../errors';
import type { Route } from '../route';

/** `GET /v1/accounts/{id}/transactions`: the account's statement, newest first, a page at a time, in a time range. */
export const route = {
  name: 'listAccountTransactions',
  handler: 'functions/accounts/transactions.handler',
  method: 'GET',
  path: '/v1/accounts/{id}/transactions',
  summary: "An account's transactions, newest first",
  description: "An account's statement: its transactions newest first, each with its entries, a page at a time, "
    + 'optionally only those posted at or after `from` and before `to`. A cursor serves only the account '
    + 'and range it came from.',
  tag: 'accounts',
  auth: authenticate,
  params: idParams,
  query: statementQuery,
  status: 200,
  response: 'transactionPage',
  errors: [...authErrors, ValidationError, InvalidCursorError, AccountNotFoundError, MfaSessionRequiredError, ...storageErrors],
  // visibleAccount's GetItem, then a Query of each shard's partition (one for an account of one shard); with `to`, a
  // hot account's shards (BatchGetItem, readShards, which reads shard 0's sweeps with GetItem) and the search's
  // probes, one BatchGetItem a round.
  access: { table: ['GetItem', 'BatchGetItem', 'Query'] },
} satisfies Route;
