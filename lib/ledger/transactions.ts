import { openCursor, sealCursor } from '../cursor';
import type { Caller } from '../identity/model';
import { queryShardLines, type StatementLine } from '../storage/transactions';
import { visibleAccount } from './access';
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
 * at the first entry older than `from`. A cursor is sealed for its account and range (`statementScope`) and serves no
 * other.
 */
export async function listAccountTransactions(caller: Caller, accountId: string, query: StatementQuery) {
  const account = await visibleAccount(caller, accountId);
  const range = rangeOf(query);
  const scope = statementScope(account.id, range);
  const places = query.cursor ? await placesOf(scope, query.cursor, account.shards) : await firstPlaces(account, range);
  const page = account.shards === 1 ? await oneShardPage(account, query.limit, places[0]!, range) : await shardedPage(account, query.limit, places, range);
  return {
    data: page.transactions.map((txn) => transactionView(caller, txn)),
    nextCursor: page.next === null ? null : await sealCursor(scope, page.next),
  };
}

/** A statement's time range, exactly (./instants.ts). */
interface StatementRange {
  fromNs?: bigint;
  toNs?: bigint;
}

/** The list a statement cursor serves: one account's statement in one range (none: `,`). */
function statementScope(accountId: string, range: StatementRange): string {
  return `statement:${accountId}:${range.fromNs ?? ''},${range.toNs ?? ''}`;
}

function rangeOf({ from, to }: StatementQuery): StatementRange {
  const fromNs = from === undefined ? undefined : instantNs(from);
  const toNs = to === undefined ? undefined : instantNs(to);
  return { fromNs, toNs };
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

/** Each shard's place from a cursor of this statement: a sequence number (one shard) or `s` and one per shard. */
async function placesOf(scope: string, cursor: string, shards: number): Promise<number[]> {
  const places = await openCursor(scope, cursor, (text) => (shards === 1 ? seqPattern.test(text) : isShardCursor(text, shards)));
  return shards === 1 ? [Number(places)] : places.slice(1).split('.').map(Number);
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
