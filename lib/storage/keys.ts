/**
 * Key builders for the single table: every item's `pk`/`sk` (and `gsi1pk`/`gsi1sk` where it is listed) is made here
 * and nowhere else.
 */
export const keys = {
  user: (userId: string) => ({ pk: `USER#${userId}`, sk: 'USER' }),
  email: (email: string) => ({ pk: `EMAIL#${email}`, sk: 'EMAIL' }),
  account: (accountId: string) => ({ pk: `ACCOUNT#${accountId}`, sk: 'ACCOUNT' }),
  accountsOfOwner: (ownerId: string) => ({ gsi1pk: `OWNER#${ownerId}` }),
  accountInOwnerList: (ownerId: string, createdAt: string, accountId: string) => ({
    gsi1pk: `OWNER#${ownerId}`,
    gsi1sk: `ACCOUNT#${createdAt}#${accountId}`,
  }),
  /** An account's entries sort by its own gap-free sequence number, so history reads back in posting order. */
  entry: (accountId: string, seq: number) => ({ pk: `ACCOUNT#${accountId}`, sk: `ENTRY#${entrySeq(seq)}` }),
  transaction: (transactionId: string) => ({ pk: `TXN#${transactionId}`, sk: 'TXN' }),
  /** The login throttle's record of one email's or one source address's failed logins. */
  loginFailures: (kind: 'EMAIL' | 'ADDRESS', id: string) => ({ pk: `LOGIN#${kind}#${id}`, sk: 'FAILURES' }),
  idempotency: (callerId: string, key: string) => ({ pk: `IDEMPOTENCY#${callerId}#${key}`, sk: 'IDEMPOTENCY' }),
} as const;

/** The first entry sort key of an account; every entry key sorts at or after it. */
export const entryPrefix = 'ENTRY#';

/** Zero-pads a sequence number so lexical order is numeric order (16 digits hold any safe integer count). */
export function entrySeq(seq: number): string {
  return seq.toString().padStart(16, '0');
}
