import { StorageUnavailableError, ValidationError } from '../errors';
import type { Caller } from '../identity/model';
import { readShards } from '../storage/accounts';
import { readEntryPoints } from '../storage/transactions';
import { visibleAccount } from './access';
import { backoff } from './backoff';
import { instantNs, nowNs } from './instants';
import type { AccountRecord } from './model';
import type { BalanceView } from './schemas';
import { searchAll, startSearch, sumWithin, type ReadEntries, type Within } from './seq-search';

/*
 * An account's history in time: its balance at a past moment, and where a statement's `to` falls on each shard. Both
 * are exact, from the entries' own `createdAt` and `balanceAfter`, found by binary search over each shard's `seq`
 * (./seq-search.ts): no index, and nothing stored besides the entries themselves.
 */

/** Searches over a hot account's shards that met a transaction landing mid-search, before the read is unavailable. */
const searchAttemptsMax = 5;

/**
 * The balance of an account after its last entry at or before `at` (every entry posted in that very nanosecond
 * included; 0 before its first), from a strongly consistent search of its history. It counts the transactions up to
 * `at` that had landed when it was read; `asOf` is `at` as the caller wrote it. A time later than now (by this
 * server's clock) is refused: a balance is known only up to now, and the current one is asked for without `at`.
 */
export async function balanceAsOf(caller: Caller, accountId: string, at: string): Promise<BalanceView> {
  const atNs = instantNs(at);
  if (atNs > nowNs()) {
    throw new ValidationError('The time asked about is in the future.', [
      { path: 'query.at', message: 'Must not be later than now; leave `at` out for the current balance.' },
    ]);
  }
  const account = await visibleAccount(caller, accountId);
  const balance = await balanceAt(account, (createdAt) => instantNs(createdAt) <= atNs);
  return { accountId: account.id, currency: account.currency, balance, pending: null, available: null, asOf: at };
}

/**
 * The sum over an account's shards of each one's balance after its last entry `within` a bound. An account of one
 * shard is searched from the read the caller made of it: one partition, read strongly consistent, is one moment. A
 * hot account's shards are read again and searched together, then checked to describe one moment (`stillHolds`);
 * a search that met a transaction landing within the bound is made again, within bounds.
 */
export async function balanceAt(account: AccountRecord, within: Within): Promise<number> {
  const read: ReadEntries = (probes) => readEntryPoints(account.id, probes);
  if (account.shards === 1) return (await searchAll([startSearch(account, within)], within, read))[0]!.balanceAfter;
  const sum = await sumWithin(() => readShards(account), within, read, searchAttemptsMax, backoff);
  if (sum === undefined) throw new StorageUnavailableError();
  return sum;
}

/**
 * For each shard of an account (in shard order), the number of its last entry posted before `toNs` (0 for none):
 * where a statement with `to` starts. Shards are searched together, one read of their probes per round. No check
 * across shards is needed: a statement shows each transaction from the one shard of the account it posts to.
 */
export async function lastSeqsBefore(account: AccountRecord, toNs: bigint): Promise<number[]> {
  const within: Within = (createdAt) => instantNs(createdAt) < toNs;
  const shards = account.shards === 1 ? [account] : await readShards(account);
  const searches = await searchAll(shards.map((shard) => startSearch(shard, within)), within, (probes) => readEntryPoints(account.id, probes));
  return searches.map((search) => search.lo);
}
