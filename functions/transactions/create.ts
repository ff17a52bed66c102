import { endpoint } from '../../lib/http/endpoint';
import { postTransaction } from '../../lib/ledger/transfers';
import { route } from '../../lib/routes/transactions/create';

/** The handler of the route lib/routes/transactions/create.ts declares. */
export const handler = endpoint(route, async ({ caller, body, headers, event }) => {
  const origin = { requestId: event.requestContext?.requestId ?? null, sourceIp: event.requestContext?.http?.sourceIp ?? null };
  const { transaction, replayed } = await postTransaction(caller, body, headers['idempotency-key'], origin);
  return { body: transaction, headers: replayed ? { 'idempotent-replayed': 'true' } : undefined };
});
