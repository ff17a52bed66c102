import { randomInt } from 'node:crypto';
import type { AccountRecord, AccountType, ShardRef } from './model';
import type { EntryBody } from './schemas';

/*
 * Where this process writes each account. An account's shard count and type never change once it exists, so what a
 * read showed is kept (a bounded map). A hot account takes credits, and a hot system account debits too, on a shard
 * this process picked at random and keeps while no other process writes it: when a write finds its shard moved on,
 * this process moves to one that no process wrote lately, so N instances settle on different shards, and soon stop
 * meeting each other. A user
 * account's debits always go to shard 0, where its floor is kept. An account not yet read here is written on shard 0.
 */
const knownMax = 10_000;
const known = new Map<string, { shards: number; type: AccountType }>();
const chosen = new Map<string, number>();

/** Remembers an account's shard count and type from a read of any of its shards. */
export function learn(account: AccountRecord): void {
  if (known.size >= knownMax && !known.has(account.id)) {
    known.clear();
    chosen.clear();
  }
  known.set(account.id, { shards: account.shards, type: account.type });
}

/** The shards a movement's entries post to, one per entry, in order. */
export function legsOf(entries: ReadonlyArray<Pick<EntryBody, 'accountId' | 'direction'>>): ShardRef[] {
  return entries.map(({ accountId, direction }) => ({ accountId, shard: shardFor(accountId, direction) }));
}

/** The shard this process writes `accountId` on, for a debit or a credit. */
export function shardFor(accountId: string, direction: 'debit' | 'credit'): number {
  const account = known.get(accountId);
  if (!account || account.shards === 1 || (direction === 'debit' && account.type === 'user')) return 0;
  let shard = chosen.get(accountId);
  if (shard === undefined) {
    shard = 1 + randomInt(account.shards - 1);
    chosen.set(accountId, shard);
  }
  return shard;
}

/**
 * The shards to look at before leaving `stale`, a shard another process wrote under this one's write: every shard of
 * its account, or none when this process does not write there (shard 0, an account of one or two shards, or a shard
 * it already left).
 */
export function shardsToLeave(stale: ShardRef): ShardRef[] {
  if (!leaves(stale)) return [];
  return Array.from({ length: known.get(stale.accountId)!.shards }, (_, shard) => ({ accountId: stale.accountId, shard }));
}

/** Whether this process writes `stale` by its own choice, with another shard to move to. */
function leaves({ accountId, shard }: ShardRef): boolean {
  const account = known.get(accountId);
  return account !== undefined && shard !== 0 && chosen.get(accountId) === shard && account.shards >= 3;
}

/**
 * Leaves a shard another process wrote under this one's write: the next write on that account goes to one of `quiet`
 * (shards that no process wrote lately, as read), or, if there is none, to any other shard, each as likely.
 */
export function leaveShard(stale: ShardRef, quiet: readonly number[] = []): void {
  const { accountId, shard } = stale;
  if (!leaves(stale)) return;
  const shards = known.get(accountId)!.shards;
  const candidates = quiet.filter((other) => other !== 0 && other !== shard && other < shards);
  if (candidates.length > 0) {
    chosen.set(accountId, candidates[randomInt(candidates.length)]!);
    return;
  }
  // One of the other shards (1 … shards − 1, less this one), each as likely.
  const next = 1 + randomInt(shards - 2);
  chosen.set(accountId, next >= shard ? next + 1 : next);
}
