import { endpoint } from '../../lib/http/endpoint';
import { header, parseWith } from '../../lib/http/input';
import { authenticate } from '../../lib/identity/tokens';
import { idempotencyKey, transferBody } from '../../lib/ledger/schemas';
import { transfer } from '../../lib/ledger/transfers';

/** `POST /v1/transfers`: moves money between accounts; an `Idempotency-Key` header makes retries safe. */
export const handler = endpoint({ auth: authenticate, body: transferBody }, async ({ caller, body, event }) => {
  const rawKey = header(event, 'idempotency-key');
  const key = rawKey === undefined ? undefined : parseWith(idempotencyKey, rawKey, 'header');
  const { transaction, replayed } = await transfer(caller, body, key);
  return { status: 201, body: transaction, headers: replayed ? { 'idempotent-replayed': 'true' } : undefined };
});
