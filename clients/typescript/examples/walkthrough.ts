import { createPaymentsClient, errorCode } from '../src';

/**
 * The README's walkthrough: register, log in, open an account, transfer with an Idempotency-Key, read the statement.
 * `fund` puts money in the new account first (an admin's transfer from a system account), and `payee` is the account
 * to pay. tests/e2e/client.test.ts runs it against the API.
 */
export async function walkthrough(baseUrl: string, fund: (accountId: string) => Promise<void>, payee: string) {
  let token: string | undefined;
  const api = createPaymentsClient({ baseUrl, accessToken: () => token });
  const credentials = { email: `ada-${crypto.randomUUID()}@example.com`, password: 'correct horse battery staple' };

  const registered = await api.POST('/api/v1/users/register', { body: { ...credentials, name: 'Ada' } });
  if (!registered.data) throw new Error(`register: ${errorCode(registered.error)}`);

  const session = await api.POST('/api/v1/users/login', { body: credentials });
  if (!session.data) throw new Error(`login: ${errorCode(session.error)}`);
  token = session.data.accessToken;

  const opened = await api.POST('/v1/accounts', { body: { currency: 'EUR', name: 'Main' } });
  if (!opened.data) throw new Error(`open an account: ${errorCode(opened.error)}`);
  const account = opened.data;
  await fund(account.id);

  // One key per transfer, reused for every retry of it: a retry answers the first outcome, never a second transfer.
  const key = crypto.randomUUID();
  const transfer = () => api.POST('/v1/transfers', {
    params: { header: { 'Idempotency-Key': key } },
    body: { fromAccountId: account.id, toAccountId: payee, amount: 1250, currency: 'EUR', description: 'Rent' },
  });
  const sent = await transfer();
  if (!sent.data) throw new Error(`transfer: ${errorCode(sent.error)}`);
  const retried = await transfer();

  const statement = await api.GET('/v1/accounts/{id}/transactions', { params: { path: { id: account.id }, query: { limit: 10 } } });
  if (!statement.data) throw new Error(`statement: ${errorCode(statement.error)}`);
  return {
    user: registered.data,
    account,
    transfer: sent.data,
    location: sent.response.headers.get('Location'),
    replayed: retried.response.headers.get('Idempotent-Replayed'),
    statement: statement.data.data,
  };
}
