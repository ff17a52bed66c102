import { endpoint } from '../../lib/http/endpoint';
import { authenticate } from '../../lib/identity/tokens';
import { getAccount } from '../../lib/ledger/accounts';
import { idParams } from '../../lib/ledger/schemas';

/** `GET /v1/accounts/{id}`: one of the caller's accounts. */
export const handler = endpoint({ auth: authenticate, params: idParams }, async ({ caller, params }) => ({
  status: 200,
  body: await getAccount(caller, params.id),
}));
