/** A balance shard's key: shard 0 is the account item itself. */
function shardKey(accountId: string, shard: number): { pk: string; sk: string } {
  return shard === 0 ? { pk: `ACCOUNT#${accountId}`, sk: 'ACCOUNT' } : { pk: `SHARD#${accountId}#${shard}`, sk: 'SHARD' };
}

/**
 * Key builders for the single table: every item's `pk`/`sk` (and `gsi1pk`/`gsi1sk` where it is listed) is made here
 * and nowhere else.
 */
export const keys = {
  user: (userId: string) => ({ pk: `USER#${userId}`, sk: 'USER' }),
  email: (email: string) => ({ pk: `EMAIL#${email}`, sk: 'EMAIL' }),
  /** Every user is listed in one `gsi1` partition, oldest first, for admins to page through. */
  allUsers: () => ({ gsi1pk: 'USERS' }),
  userInUserList: (createdAt: string, userId: string) => ({ gsi1pk: 'USERS', gsi1sk: `USER#${createdAt}#${userId}` }),
  session: (sessionId: string) => ({ pk: `SESSION#${sessionId}`, sk: 'SESSION' }),
  /** A refresh token is found by its hash: the token itself is never stored. */
  refreshToken: (hash: string) => ({ pk: `REFRESH#${hash}`, sk: 'REFRESH' }),
  account: (accountId: string) => ({ pk: `ACCOUNT#${accountId}`, sk: 'ACCOUNT' }),
  /**
   * A balance shard: shard 0 is the account item itself; each other shard of a hot account is an item with a
   * partition of its own, beside its entries, so that no partition takes more than its share of the account's writes.
   */
  shard: shardKey,
  accountsOfOwner: (ownerId: string) => ({ gsi1pk: `OWNER#${ownerId}` }),
  accountInOwnerList: (ownerId: string, createdAt: string, accountId: string) => ({
    gsi1pk: `OWNER#${ownerId}`,
    gsi1sk: `ACCOUNT#${createdAt}#${accountId}`,
  }),
  /**
   * A shard's entries sort by its own gap-free sequence number, in the shard's partition, so its history reads back
   * in posting order. An account of one shard has all its entries under its own key, as before there were shards.
   */
  entry: (accountId: string, seq: number, shard = 0) => ({ pk: shardKey(accountId, shard).pk, sk: `ENTRY#${entrySeq(seq)}` }),
  transaction: (transactionId: string) => ({ pk: `TXN#${transactionId}`, sk: 'TXN' }),
  /** The login throttle's record of one email's or one source address's failed logins. */
  loginFailures: (kind: 'EMAIL' | 'ADDRESS', id: string) => ({ pk: `LOGIN#${kind}#${id}`, sk: 'FAILURES' }),
  idempotency: (callerId: string, key: string) => ({ pk: `IDEMPOTENCY#${callerId}#${key}`, sk: 'IDEMPOTENCY' }),
  hold: (holdId: string) => ({ pk: `HOLD#${holdId}`, sk: 'HOLD' }),
  event: (eventId: string) => ({ pk: `EVENT#${eventId}`, sk: 'EVENT' }),
  /** An owner's list of the events that touch its accounts, newest first by `<createdAt>#<id>`. */
  eventsOfOwner: (ownerId: string) => ({ pk: `EVENTS#${ownerId}` }),
  /** The feed of every event, in `eventFeedPartitions` partitions (by id), so no partition takes every write. */
  eventFeed: (eventId: string) => ({ pk: `EVENTS_ALL#${partitionOf(eventId, eventFeedPartitions)}` }),
  eventFeedPartition: (partition: number) => ({ pk: `EVENTS_ALL#${partition}` }),
  /**
   * A hold's copy in the list of each of its two accounts, newest first by `createdAt`: an account's partition of its
   * own, beside nothing else.
   */
  holdsOfAccount: (accountId: string) => ({ pk: `HOLDS#${accountId}` }),
  holdInAccountList: (accountId: string, createdAt: string, holdId: string) => ({ pk: `HOLDS#${accountId}`, sk: `HOLD#${createdAt}#${holdId}` }),
  /**
   * A pending hold is listed in `gsi1` by expiry, in one of `expiryPartitions` partitions (by its id), which the sweep
   * reads up to now; resolving the hold takes it out of the list.
   */
  expiringHolds: (partition: number) => ({ gsi1pk: `HOLDS_EXPIRING#${partition}` }),
  holdInExpiryList: (holdId: string, expiresAt: string) => ({
    gsi1pk: `HOLDS_EXPIRING#${expiryPartitionOf(holdId)}`, gsi1sk: `${expiresAt}#${holdId}`,
  }),
  /** A webhook endpoint, by its id; listed in its owner's `gsi1` partition, oldest first, until it is deleted. */
  webhookEndpoint: (endpointId: string) => ({ pk: `WEBHOOK#${endpointId}`, sk: 'WEBHOOK' }),
  webhookEndpointsOfOwner: (ownerId: string) => ({ gsi1pk: `WEBHOOKS#${ownerId}` }),
  webhookEndpointInOwnerList: (ownerId: string, createdAt: string, endpointId: string) => ({
    gsi1pk: `WEBHOOKS#${ownerId}`, gsi1sk: `${createdAt}#${endpointId}`,
  }),
  /**
   * Who receives an event, read strongly consistent when one is enqueued: a copy of each live endpoint's routing
   * (owner, scope, types) in the partition of its owner, or in one partition of every admin-scoped endpoint.
   */
  webhookRoutes: (scope: { ownerId: string } | 'admin') => ({ pk: scope === 'admin' ? 'WEBHOOK_ROUTES#ADMIN' : `WEBHOOK_ROUTES#USER#${scope.ownerId}` }),
  webhookRoute: (scope: { ownerId: string } | 'admin', endpointId: string) => ({
    pk: scope === 'admin' ? 'WEBHOOK_ROUTES#ADMIN' : `WEBHOOK_ROUTES#USER#${scope.ownerId}`, sk: `ENDPOINT#${endpointId}`,
  }),
  /** How many live endpoints an owner has: the guard of the limit per owner. */
  webhookEndpointCount: (ownerId: string) => ({ pk: `WEBHOOK_COUNT#${ownerId}`, sk: 'COUNT' }),
  /** One event's delivery to one endpoint. */
  webhookDelivery: (deliveryId: string) => ({ pk: `DELIVERY#${deliveryId}`, sk: 'DELIVERY' }),
  /**
   * A pending delivery is listed in `gsi1` by when its next attempt is due, in one of `duePartitions` partitions (by
   * its id), which the delivery job reads up to now; a delivered or failed one leaves the list.
   */
  dueDeliveries: (partition: number) => ({ gsi1pk: `WEBHOOKS_DUE#${partition}` }),
  deliveryInDueList: (deliveryId: string, dueAt: string) => ({
    gsi1pk: `WEBHOOKS_DUE#${partitionOf(deliveryId, duePartitions)}`, gsi1sk: `${dueAt}#${deliveryId}`,
  }),
  /** An endpoint's attempts, newest last by time: the partition `GET …/deliveries` reads. */
  webhookAttempts: (endpointId: string) => ({ pk: `WEBHOOK_ATTEMPTS#${endpointId}` }),
  webhookAttempt: (endpointId: string, attemptedAt: string, deliveryId: string, attempt: number) => ({
    pk: `WEBHOOK_ATTEMPTS#${endpointId}`, sk: `${attemptedAt}#${deliveryId}#${String(attempt).padStart(3, '0')}`,
  }),
} as const;

/** The first entry sort key of an account; every entry key sorts at or after it. */
export const entryPrefix = 'ENTRY#';

/** Zero-pads a sequence number so lexical order is numeric order (16 digits hold any safe integer count). */
export function entrySeq(seq: number): string {
  return seq.toString().padStart(16, '0');
}

/** How many `gsi1` partitions list pending holds by expiry: many holds placed at once spread over them. */
export const expiryPartitions = 4;

/** How many partitions the feed of every event is spread over; a read of the feed merges them. */
export const eventFeedPartitions = 8;

/** The expiry partition of a hold, from its (random) id. */
function expiryPartitionOf(holdId: string): number {
  return partitionOf(holdId, expiryPartitions);
}

/** How many `gsi1` partitions list pending webhook deliveries by when they are due. */
export const duePartitions = 4;

/** One of `count` partitions for a random id, from its first two hex digits. */
function partitionOf(id: string, count: number): number {
  return Number.parseInt(id.slice(0, 2), 16) % count || 0;
}
