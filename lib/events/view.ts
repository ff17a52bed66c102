import { usesAdminPower } from '../identity/admin-power';
import type { Caller } from '../identity/model';
import { holdView } from '../ledger/hold-read';
import { transactionView } from '../ledger/transaction-view';
import type { EventRecord, EventType } from './model';

/** An event as the API shows it and webhooks deliver it: `{id, type, createdAt, data}`. */
export interface EventView {
  id: string;
  type: EventType;
  createdAt: string;
  /** The object as `GET` shows it to this reader, and each touched account's place in its history. */
  data: Record<string, unknown> & { accounts: Array<{ accountId: string; shard: number | null; seq: number | null }> };
}

/** Whether the caller may read an event: it owns an account the event touches, or is an admin with admin power. */
export function canReadEvent(caller: Caller, event: Pick<EventRecord, 'ownerIds'>): boolean {
  return usesAdminPower(caller) || event.ownerIds.includes(caller.userId);
}

/** An event rendered for a reader who may read it (`canReadEvent`): balances only on the reader's own accounts. */
export function eventView(reader: Caller, event: EventRecord): EventView {
  const { subject } = event;
  const object = subject.kind === 'transaction'
    ? transactionView(reader, subject.transaction)
    : subject.kind === 'hold' ? holdView(reader, subject.hold) : subject.account;
  const accounts = event.accounts.map(({ accountId, shard, seq }) => ({ accountId, shard, seq }));
  return { id: event.id, type: event.type, createdAt: event.createdAt, data: { ...object, accounts } };
}
