import { endpoint } from '../../lib/http/endpoint';
import { getTransaction } from '../../lib/ledger/transaction-read';
import { route } from '../../lib/routes/transactions/get';

/** The handler of the route lib/routes/transactions/get.ts declares. */
export const handler = endpoint(route, async ({ caller, params }) => ({
  body: await getTransaction(caller, params.id),
}));
