import { endpoint } from '../../lib/http/endpoint';
import { authenticate } from '../../lib/identity/tokens';
import { getBalance } from '../../lib/ledger/accounts';
import { idParams } from '../../lib/ledger/schemas';

/** `GET /v1/accounts/{id}/balance`: the balance from a strongly consistent read. */
export const handler = endpoint({ auth: authenticate, params: idParams }, async ({ caller, params }) => ({
  status: 200,
  body: await getBalance(caller, params.id),
}));
