import { eventRetentionDays } from '../events/model';
import type { ScannedEvent, ScannedIdempotency, ScannedTransaction } from './scanned';

/** Events are kept this long; older transactions have lost theirs. */
const retentionMs = eventRetentionDays * 24 * 3600 * 1000;
/** A transaction this close to the end of the retention may see its event expire during the scan. */
const marginMs = 24 * 3600 * 1000;

/**
 * What is wrong with the outbox, as `[check, subject, detail]` triples for the reconciler: every transaction still
 * within the events' retention (a sweep aside, which no client is shown) has exactly one event, of the type its kind
 * gives (`transaction.reversed` for a reversal, else `transaction.posted`); every event of a transaction names one
 * that exists; and every event has its copy in each list that shows it (its owners' and the feed's), and no copy
 * outlives its event.
 */
export function eventViolations(
  events: readonly ScannedEvent[],
  transactions: ReadonlyMap<string, ScannedTransaction>,
  nowMs = Date.now(),
): Array<[check: string, subject: string, detail: string]> {
  const found: Array<[string, string, string]> = [];
  const live = events.filter((event) => !event.expired);
  const items = live.filter((event) => !event.copy);
  const ofTransaction = new Map<string, ScannedEvent[]>();
  for (const event of items) {
    if (event.transactionId === undefined) continue;
    const list = ofTransaction.get(event.transactionId) ?? [];
    list.push(event);
    ofTransaction.set(event.transactionId, list);
    if (!transactions.has(event.transactionId)) found.push(['event_transaction_exists', event.key, `names missing transaction ${event.transactionId}`]);
  }
  for (const txn of transactions.values()) {
    if (txn.kind === 'sweep' || !(Date.parse(String(txn.createdAt)) > nowMs - retentionMs + marginMs)) continue;
    const own = ofTransaction.get(txn.id) ?? [];
    const type = txn.kind === 'reversal' ? 'transaction.reversed' : 'transaction.posted';
    if (own.length !== 1 || own[0]!.type !== type) {
      found.push(['transaction_event', txn.key, `${own.length} events (${own.map((e) => e.type).join(', ')}), expected one ${type}`]);
    }
  }
  const copies = new Map<string, number>();
  for (const copy of live.filter((event) => event.copy)) copies.set(copy.id, (copies.get(copy.id) ?? 0) + 1);
  for (const event of items) {
    const expected = event.owners + 1;
    if ((copies.get(event.id) ?? 0) !== expected) found.push(['event_copies', event.key, `${copies.get(event.id) ?? 0} copies, expected ${expected}`]);
  }
  const ids = new Set(items.map((event) => event.id));
  for (const id of copies.keys()) if (!ids.has(id)) found.push(['event_copies', id, 'copies of a missing event']);
  return found;
}

/**
 * What is wrong with the idempotency records, as `[check, subject, detail]` triples: a key bound to a posted movement
 * names a transaction that exists; one bound to a refusal, or to a hold (which posts none), names none.
 */
export function keyViolations(
  keysBound: readonly ScannedIdempotency[],
  transactions: ReadonlyMap<string, ScannedTransaction>,
): Array<[check: string, subject: string, detail: string]> {
  return keysBound.flatMap((bound): Array<[string, string, string]> => {
    if (bound.outcome === 'refused' || bound.outcome === 'held') {
      return bound.transactionId === undefined ? [] : [[`idempotency_${bound.outcome === 'held' ? 'hold' : 'refusal'}_moves_nothing`, bound.key,
        `a ${bound.outcome === 'held' ? 'hold' : 'refusal'} bound to transaction ${bound.transactionId}`]];
    }
    return bound.transactionId && transactions.has(bound.transactionId)
      ? [] : [['idempotency_transaction_exists', bound.key, `bound to missing transaction ${bound.transactionId}`]];
  });
}
