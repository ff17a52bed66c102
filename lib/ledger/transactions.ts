import { ValidationError } from '../errors';
import type { Caller } from '../identity/model';
import { queryShardLines, type StatementLine } from '../storage/transactions';
import { visibleAccount } from './access';
import { decodeCursor, encodeCursor } from './cursor';
import { lastSeqsBefore } from './history';
import { instantNs } from './instants';
import type { AccountRecord, TransactionRecord } from './model';
import { transactionView } from './transaction-view';
import type { StatementQuery } from './schemas';

/**
 * An account's statement: its transactions newest first, each with its entries, optionally only those posted at or
 * after `from` and before `to`. No transaction repeats or goes missing across pages while new ones land: the cursor
 * holds, for each shard, the sequence number below which the next page reads, and sequence numbers only grow. The
 * first page of a statement with `to` starts each shard below its first entry posted at or after `to` (a binary
 * search, `lastSeqsBefore`); `from` needs no search, since a shard's entries are in `createdAt` order: its reads stop
 * at the first entry older than `from`. A cursor holds its statement's range and serves no other.
 */
export async function listAccountTransactions(caller: Caller, accountId: string, query: StatementQuery) {
  const account = await visibleAccount(caller, accountId);
  const range = rangeOf(query);
  const places = query.cursor ? placesOf(query.cursor, range, account.shards) : await firstPlaces(account, range);
  const page = account.shards === 1 ? await oneShardPage(account, query.limit, places[0]!, range) : await shardedPage(account, query.limit, places, range);
  return {
    data: page.transactions.map((txn) => transactionView(caller, txn)),
    nextCursor: page.next === null ? null : encodeCursor(`${page.next}${range.binding}`),
  };
}

/** A statement's time range, exactly (./instants.ts), and what binds a cursor to it: nothing for a statement without one. */
interface StatementRange {
  fromNs?: bigint;
  toNs?: bigint;
  binding: string;
}

function rangeOf({ from, to }: StatementQuery): StatementRange {
  const fromNs = from === undefined ? undefined : instantNs(from);
  const toNs = to === undefined ? undefined : instantNs(to);
  const ranged = fromNs !== undefined || toNs !== undefined;
  return { fromNs, toNs, binding: ranged ? `@${fromNs ?? ''},${toNs ?? ''}` : '' };
}

/** Whether a line is not older than the range's `from`. */
function keepOf(range: StatementRange): (line: StatementLine) => boolean {
  const { fromNs } = range;
  return fromNs === undefined ? () => true : (line) => instantNs(line.transaction.createdAt) >= fromNs;
}

/** Each shard's place on a first page: 0 (its newest entry on), or below its first entry at or after `to`. */
async function firstPlaces(account: AccountRecord, range: StatementRange): Promise<number[]> {
  if (range.toNs === undefined) return Array<number>(account.shards).fill(0);
  return (await lastSeqsBefore(account, range.toNs)).map((seq) => seq + 1);
}

/**
 * Each shard's place from a cursor: a sequence number (one shard) or `s` and one per shard, then the range it was
 * issued for, which must be this query's.
 */
function placesOf(cursor: string, range: StatementRange, shards: number): number[] {
  const value = decodeCursor(cursor, (text) => (shards === 1 ? seqPattern.test(placeText(text)) : isShardCursor(placeText(text), shards)));
  if (value.slice(placeText(value).length) !== range.binding) {
    throw new ValidationError('The cursor belongs to another statement.', [
      { path: 'query.cursor', message: 'A cursor serves only the from and to of the query that issued it.' },
    ]);
  }
  const places = placeText(value);
  return shards === 1 ? [Number(places)] : places.slice(1).split('.').map(Number);
}

/** A cursor's places, without the range it is bound to. */
function placeText(value: string): string {
  const at = value.indexOf('@');
  return at < 0 ? value : value.slice(0, at);
}

interface StatementPage {
  transactions: TransactionRecord[];
  /** What the next page's cursor holds, or `null` on the last page. */
  next: string | null;
}

/** An account of one shard: its entries in posting order; the cursor is the sequence number of the last one shown. */
async function oneShardPage(account: AccountRecord, limit: number, place: number, range: StatementRange): Promise<StatementPage> {
  if (place === 1) return { transactions: [], next: null };
  const { lines, more } = await queryShardLines(account.id, 0, limit, place === 0 ? undefined : place, keepOf(range));
  return { transactions: lines.map((line) => line.transaction), next: more ? String(lines.at(-1)!.seq) : null };
}

const seqPattern = /^[1-9][0-9]{0,15}$/;

/** A hot account: the newest lines of every shard, merged (`mergeShardLines`); the cursor holds each shard's place. */
async function shardedPage(account: AccountRecord, limit: number, before: number[], range: StatementRange): Promise<StatementPage> {
  const fetched = await Promise.all(before.map((beforeSeq, shard) => (beforeSeq === 1
    ? { lines: [], more: false }
    : queryShardLines(account.id, shard, limit, beforeSeq === 0 ? undefined : beforeSeq, keepOf(range)))));
  const merged = mergeShardLines(fetched, before, limit);
  return { transactions: merged.transactions, next: merged.before && `s${merged.before.join('.')}` };
}

function isShardCursor(value: string, shards: number): boolean {
  const places = value.startsWith('s') ? value.slice(1).split('.') : [];
  return places.length === shards && places.every((place) => seqPattern.test(place));
}

/**
 * Merges the newest lines of each shard of a hot account into one page, newest first by `createdAt` (then by
 * shard), leaving out sweeps. `before` is each shard's place as the cursor had it (0: the top, no page read yet);
 * each shard's lines are the newest below that place. A shard whose fetched lines run out while it has older ones
 * ends the page early, since its next line could be newer than any other shard's; a page may then be short, never
 * wrong. The next places: below the last line taken from each shard, or below the newest line it had at this read,
 * so lines that land later, being newer than this page, never show up on a later one.
 */
export function mergeShardLines(
  fetched: ReadonlyArray<{ lines: readonly StatementLine[]; more: boolean }>,
  before: readonly number[],
  limit: number,
): { transactions: TransactionRecord[]; before: number[] | null } {
  const taken = fetched.map(() => 0);
  const transactions: TransactionRecord[] = [];
  while (transactions.length < limit) {
    if (fetched.some(({ lines, more }, shard) => more && taken[shard] === lines.length)) break;
    let newest: number | undefined;
    fetched.forEach(({ lines }, shard) => {
      const line = lines[taken[shard]!];
      if (line && (newest === undefined || line.transaction.createdAt > fetched[newest]!.lines[taken[newest]!]!.transaction.createdAt)) {
        newest = shard;
      }
    });
    if (newest === undefined) break;
    const line = fetched[newest]!.lines[taken[newest]!]!;
    taken[newest]! += 1;
    if (line.transaction.kind !== 'sweep') transactions.push(line.transaction);
  }
  const next = fetched.map(({ lines }, shard) => (taken[shard]! > 0 ? lines[taken[shard]! - 1]!.seq
    : lines.length > 0 ? lines[0]!.seq + 1
    : before[shard] || 1));
  const done = fetched.every(({ lines, more }, shard) => !more && taken[shard] === lines.length);
  return { transactions, before: done ? null : next };
}
