import { endpoint } from '../../lib/http/endpoint';
import { authenticate } from '../../lib/identity/tokens';
import { createAccount } from '../../lib/ledger/accounts';
import { createAccountBody } from '../../lib/ledger/schemas';

/** `POST /v1/accounts`: opens an account in one currency with balance 0. */
export const handler = endpoint({ auth: authenticate, body: createAccountBody }, async ({ caller, body }) => ({
  status: 201,
  body: await createAccount(caller, body),
}));
