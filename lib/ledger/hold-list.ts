import { openCursor, sealCursor } from '../cursor';
import type { Caller } from '../identity/model';
import { queryHoldsOfAccount } from '../storage/holds';
import { visibleAccount } from './access';
import { holdView } from './hold-read';
import type { HoldListQuery, HoldView } from './schemas';

/**
 * The holds out of or into an account the caller may see, newest first, of one status if asked. Each page is read
 * strongly consistent from the account's own list, which every step of a hold updates in its write.
 */
export async function listAccountHolds(caller: Caller, accountId: string, query: HoldListQuery): Promise<{ data: HoldView[]; nextCursor: string | null }> {
  await visibleAccount(caller, accountId);
  // A cursor serves only the account and the status it came from.
  const scope = `holds:${accountId}:${query.status ?? '*'}`;
  const after = query.cursor ? await openCursor(scope, query.cursor, (value) => value.startsWith('HOLD#')) : undefined;
  const page = await queryHoldsOfAccount(accountId, query.limit, query.status, after);
  return {
    data: page.holds.map((hold) => holdView(caller, hold)),
    nextCursor: page.nextAfter ? await sealCursor(scope, page.nextAfter) : null,
  };
}
