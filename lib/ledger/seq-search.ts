import { assert } from '../errors';
import type { AccountRecord } from './model';

/*
 * Finding a time in a shard's history. Each shard numbers its entries 1, 2, 3 … (`seq`) and their `createdAt` never
 * goes down as `seq` goes up (./instants.ts, `mintedAt`), so the entries within a bound ("at or before T", "before
 * T") are always a prefix 1 … k of them, and k is found by binary search over `seq`: O(log n) reads of one entry,
 * every shard of a hot account searched together, one read of all their probes per round. These functions are pure;
 * the read is passed in (`ReadEntries`), so they are tested without a table.
 */

/** What a probe reads of one entry: when it was posted, and its shard's balance after it. */
export interface EntryPoint {
  createdAt: string;
  balanceAfter: number;
}

/** One probe: an entry of a shard, by its number there. */
export interface Probe {
  shard: number;
  seq: number;
}

/** Reads entries by number, strongly consistent, in one round: each one, or `undefined` where none is stored. */
export type ReadEntries = (probes: readonly Probe[]) => Promise<Array<EntryPoint | undefined>>;

/** Whether an entry posted at `createdAt` is within the bound searched for. */
export type Within = (createdAt: string) => boolean;

/**
 * Where one shard's search stands: its entries 1 … `lo` are within the bound (`lo` = 0: none is known to be), and
 * `balanceAfter` is the shard's balance after entry `lo` (0 for none). Entry `hi` is not within: `outside`, it was
 * read (or the shard was opened) after the bound, so it and every later entry stay outside for good; `unwritten`, it
 * did not exist when last read, so an entry landing since might still be within.
 */
export interface ShardSearch {
  shard: number;
  lo: number;
  balanceAfter: number;
  hi: number;
  hiSeen: 'outside' | 'unwritten';
}

/**
 * A search over a shard as read: no entry before the account was opened (every entry's `createdAt` is at or after
 * its shard's `createdAt`), and all of them up to `seq` when the shard was last written within the bound (its
 * `updatedAt` is at or after its last entry's `createdAt`); otherwise every entry up to `seq` is still to search.
 */
export function startSearch(shard: AccountRecord, within: Within): ShardSearch {
  if (!within(shard.createdAt)) return { shard: shard.shard, lo: 0, balanceAfter: 0, hi: 1, hiSeen: 'outside' };
  if (within(shard.updatedAt)) return { shard: shard.shard, lo: shard.seq, balanceAfter: shard.balance, hi: shard.seq + 1, hiSeen: 'unwritten' };
  return { shard: shard.shard, lo: 0, balanceAfter: 0, hi: shard.seq + 1, hiSeen: 'unwritten' };
}

/** The entry a search reads next, or `undefined` once it is done (`hi` = `lo` + 1). */
export function nextProbe(search: ShardSearch): number | undefined {
  return search.hi - search.lo > 1 ? Math.floor((search.lo + search.hi) / 2) : undefined;
}

/** Narrows a search by what entry `seq` (strictly between `lo` and `hi`) holds. */
export function narrow(search: ShardSearch, seq: number, entry: EntryPoint | undefined, within: Within): ShardSearch {
  assert(seq > search.lo && seq < search.hi, 'a probe lies strictly inside its search');
  // Below a shard's `seq` as read, every entry exists: entries are never removed.
  assert(entry !== undefined, "an entry below its shard's sequence number exists");
  return within(entry.createdAt)
    ? { ...search, lo: seq, balanceAfter: entry.balanceAfter }
    : { ...search, hi: seq, hiSeen: 'outside' };
}

/** Runs every search to its end: each round reads the next probe of every search not done yet, all at once. */
export async function searchAll(searches: readonly ShardSearch[], within: Within, read: ReadEntries): Promise<ShardSearch[]> {
  let current = [...searches];
  for (;;) {
    const probes = current.flatMap((search) => {
      const seq = nextProbe(search);
      return seq === undefined ? [] : [{ shard: search.shard, seq }];
    });
    if (probes.length === 0) return current;
    const entries = await read(probes);
    const found = new Map(probes.map((probe, index) => [probe.shard, { seq: probe.seq, entry: entries[index] }]));
    current = current.map((search) => {
      const probe = found.get(search.shard);
      return probe ? narrow(search, probe.seq, probe.entry, within) : search;
    });
  }
}

/**
 * Whether finished searches over several shards describe one moment of the account: the reads of different shards
 * are not one snapshot, so a transaction landing within the bound mid-search (a sweep moves money between shards of
 * one account) could be counted on one shard and missed on another. It cannot be if, read again now, every shard's
 * entry after its last one within the bound is still unwritten or outside the bound: then every transaction within
 * the bound that landed before this read is counted on every shard it posts to, and none landing later is counted.
 */
export async function stillHolds(searches: readonly ShardSearch[], within: Within, read: ReadEntries): Promise<boolean> {
  const open = searches.filter((search) => search.hiSeen === 'unwritten');
  if (open.length === 0) return true;
  const entries = await read(open.map((search) => ({ shard: search.shard, seq: search.hi })));
  return entries.every((entry) => entry === undefined || !within(entry.createdAt));
}

/**
 * The sum over a hot account's shards of each one's balance after its last entry `within` a bound: its shards read
 * (`readShards`, in one read, which is not a snapshot), searched together, then checked to describe one moment
 * (`stillHolds`). A search that met a transaction landing within the bound is made again after `pause`, at most
 * `attemptsMax` times in all; `undefined` if none held.
 */
export async function sumWithin(
  readShards: () => Promise<AccountRecord[]>, within: Within, read: ReadEntries, attemptsMax: number, pause: (attempt: number) => Promise<void>,
): Promise<number | undefined> {
  for (let attempt = 0; attempt < attemptsMax; attempt += 1) {
    if (attempt > 0) await pause(attempt - 1);
    const searches = await searchAll((await readShards()).map((shard) => startSearch(shard, within)), within, read);
    if (await stillHolds(searches, within, read)) return searches.reduce((total, search) => total + search.balanceAfter, 0);
  }
  return undefined;
}
