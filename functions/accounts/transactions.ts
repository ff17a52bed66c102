import { endpoint } from '../../lib/http/endpoint';
import { listAccountTransactions } from '../../lib/ledger/transactions';
import { route } from '../../lib/routes/accounts/transactions';

/** The handler of the route lib/routes/accounts/transactions.ts declares. */
export const handler = endpoint(route, async ({ caller, params, query }) => ({
  body: await listAccountTransactions(caller, params.id, query),
}));
