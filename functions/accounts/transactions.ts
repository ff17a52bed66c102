import { endpoint } from '../../lib/http/endpoint';
import { authenticate } from '../../lib/identity/tokens';
import { idParams, statementQuery } from '../../lib/ledger/schemas';
import { listAccountTransactions } from '../../lib/ledger/transactions';

/** `GET /v1/accounts/{id}/transactions`: the account's statement, newest first, a page at a time. */
export const handler = endpoint(
  { auth: authenticate, params: idParams, query: statementQuery },
  async ({ caller, params, query }) => ({
    status: 200,
    body: await listAccountTransactions(caller, params.id, query),
  }),
);
