import { MfaSessionRequiredError, AccountNotFoundError, ValidationError } from '../../errors';
import { authenticate } from '../../identity/standing';
import { balanceQuery, idParams } from '../../ledger/schemas';
import { authErrors, storageErrors } from '../errors';
import type { Route } from '../route';

/** `GET /v1/accounts/{id}/balance`: the balance from a strongly consistent read, now or (`?at=`) at a past time. */
export const route = {
  name: 'getBalance',
  handler: 'functions/accounts/balance.handler',
  method: 'GET',
  path: '/v1/accounts/{id}/balance',
  summary: "Read an account's balance",
  description: "An account's balance from a strongly consistent read, which includes every transfer answered before "
    + 'the read began; with `at`, its balance at that past time.',
  tag: 'accounts',
  auth: authenticate,
  params: idParams,
  query: balanceQuery,
  status: 200,
  response: 'balance',
  errors: [...authErrors, ValidationError, AccountNotFoundError, MfaSessionRequiredError, ...storageErrors],
  // visibleAccount's GetItem; a hot account's shards in one BatchGetItem (lib/storage/accounts.ts readShards); with
  // `at`, the probes of the search over the entries, one BatchGetItem a round (lib/storage/transactions.ts).
  access: { table: ['GetItem', 'BatchGetItem'] },
} satisfies Route;
