import { endpoint } from '../../lib/http/endpoint';
import { authenticate } from '../../lib/identity/tokens';
import { listAccounts } from '../../lib/ledger/accounts';
import { listAccountsQuery } from '../../lib/ledger/schemas';

/** `GET /v1/accounts`: the caller's accounts (admins: `?ownerId=`), a page at a time. */
export const handler = endpoint({ auth: authenticate, query: listAccountsQuery }, async ({ caller, query }) => ({
  status: 200,
  body: await listAccounts(caller, query),
}));
