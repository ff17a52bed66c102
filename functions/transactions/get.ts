import { endpoint } from '../../lib/http/endpoint';
import { authenticate } from '../../lib/identity/tokens';
import { idParams } from '../../lib/ledger/schemas';
import { getTransaction } from '../../lib/ledger/transactions';

/** `GET /v1/transactions/{id}`: a transaction with its entries, if the caller owns either side. */
export const handler = endpoint({ auth: authenticate, params: idParams }, async ({ caller, params }) => ({
  status: 200,
  body: await getTransaction(caller, params.id),
}));
