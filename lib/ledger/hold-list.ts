import type { Caller } from '../identity/model';
import { queryHoldsOfAccount } from '../storage/holds';
import { visibleAccount } from './access';
import { decodeCursor, encodeCursor } from './cursor';
import { holdView } from './hold-read';
import type { HoldListQuery, HoldView } from './schemas';

/**
 * The holds out of or into an account the caller may see, newest first, of one status if asked. Each page is read
 * strongly consistent from the account's own list, which every step of a hold updates in its write.
 */
export async function listAccountHolds(caller: Caller, accountId: string, query: HoldListQuery): Promise<{ data: HoldView[]; nextCursor: string | null }> {
  await visibleAccount(caller, accountId);
  const after = query.cursor ? decodeCursor(query.cursor, (value) => value.startsWith('HOLD#')) : undefined;
  const page = await queryHoldsOfAccount(accountId, query.limit, query.status, after);
  return { data: page.holds.map((hold) => holdView(caller, hold)), nextCursor: page.nextAfter ? encodeCursor(page.nextAfter) : null };
}
