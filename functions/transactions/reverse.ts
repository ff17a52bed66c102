import { endpoint } from '../../lib/http/endpoint';
import { reverseTransaction } from '../../lib/ledger/reversals';
import { route } from '../../lib/routes/transactions/reverse';

/** The handler of the route lib/routes/transactions/reverse.ts declares. */
export const handler = endpoint(route, async ({ caller, params, body, headers, event }) => {
  const origin = { requestId: event.requestContext?.requestId ?? null, sourceIp: event.requestContext?.http?.sourceIp ?? null };
  const { transaction, replayed } = await reverseTransaction(caller, params.id, body, headers['idempotency-key'], origin);
  return { body: transaction, headers: replayed ? { 'idempotent-replayed': 'true' } : undefined };
});
