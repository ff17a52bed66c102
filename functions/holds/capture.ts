import { endpoint } from '../../lib/http/endpoint';
import { originOf } from '../../lib/http/input';
import { captureHold } from '../../lib/ledger/holds';
import { route } from '../../lib/routes/holds/capture';

/** The handler of the route lib/routes/holds/capture.ts declares. */
export const handler = endpoint(route, async ({ caller, params, body, headers, event }) => {
  const { transaction, replayed } = await captureHold(caller, params.id, body, headers['idempotency-key'], originOf(event));
  return { body: transaction, headers: replayed ? { 'idempotent-replayed': 'true' } : undefined };
});
