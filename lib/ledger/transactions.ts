import { TransactionNotFoundError } from '../errors';
import { usesAdminPower, withoutAdminPower } from '../identity/admin-power';
import type { Caller } from '../identity/model';
import { findTransaction, queryShardLines, type StatementLine } from '../storage/transactions';
import { visibleAccount } from './access';
import { decodeCursor, encodeCursor } from './cursor';
import type { AccountRecord, TransactionRecord } from './model';
import { transactionView } from './transaction-view';
import type { StatementQuery, TransactionView } from './schemas';

/**
 * A transaction the caller may see: it owns an account of an entry, or is an admin with admin power (an admin without
 * it is told `mfa_required`).
 */
export async function getTransaction(caller: Caller, transactionId: string): Promise<TransactionView> {
  return transactionView(caller, await findVisibleTransaction(caller, transactionId));
}

/**
 * Reads a transaction the caller may see, or refuses with `transaction_not_found` (one answer for one that does not
 * exist and one that is not the caller's). A sweep is bookkeeping, shown to no one.
 */
export async function findVisibleTransaction(caller: Caller, transactionId: string): Promise<TransactionRecord> {
  const txn = await findTransaction(transactionId);
  const visible = txn && txn.kind !== 'sweep'
    && (usesAdminPower(caller) || txn.entries.some((entry) => entry.ownerId === caller.userId));
  if (!visible) throw withoutAdminPower(caller, new TransactionNotFoundError());
  return txn;
}

/**
 * An account's statement: its transactions newest first, each with its entries. No transaction repeats or goes
 * missing across pages while new ones land: the cursor holds, for each shard, the sequence number below which the
 * next page reads, and sequence numbers only grow.
 */
export async function listAccountTransactions(caller: Caller, accountId: string, query: StatementQuery) {
  const account = await visibleAccount(caller, accountId);
  const page = account.shards === 1 ? await oneShardPage(account, query) : await shardedPage(account, query);
  return {
    data: page.transactions.map((txn) => transactionView(caller, txn)),
    nextCursor: page.next === null ? null : encodeCursor(page.next),
  };
}

interface StatementPage {
  transactions: TransactionRecord[];
  /** What the next page's cursor holds, or `null` on the last page. */
  next: string | null;
}

/** An account of one shard: its entries in posting order; the cursor is the sequence number of the last one shown. */
async function oneShardPage(account: AccountRecord, query: StatementQuery): Promise<StatementPage> {
  const beforeSeq = query.cursor ? Number(decodeCursor(query.cursor, (value) => seqPattern.test(value))) : undefined;
  const { lines, more } = await queryShardLines(account.id, 0, query.limit, beforeSeq);
  return { transactions: lines.map((line) => line.transaction), next: more ? String(lines.at(-1)!.seq) : null };
}

const seqPattern = /^[1-9][0-9]{0,15}$/;

/** A hot account: the newest lines of every shard, merged (`mergeShardLines`); the cursor holds each shard's place. */
async function shardedPage(account: AccountRecord, query: StatementQuery): Promise<StatementPage> {
  const before = query.cursor
    ? decodeCursor(query.cursor, (value) => isShardCursor(value, account.shards)).slice(1).split('.').map(Number)
    : Array<number>(account.shards).fill(0);
  const fetched = await Promise.all(before.map((beforeSeq, shard) => (beforeSeq === 1
    ? { lines: [], more: false }
    : queryShardLines(account.id, shard, query.limit, beforeSeq === 0 ? undefined : beforeSeq))));
  const merged = mergeShardLines(fetched, before, query.limit);
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
