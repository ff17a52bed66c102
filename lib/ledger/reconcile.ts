import { nonLedgerEntities, readAccounts, scanLedger } from '../storage/ledger-scan';
import { shardName } from './model';
import { eventViolations, keyViolations } from './reconcile-events';
import { holdViolations } from './reconcile-holds';
import { reversalViolations } from './reconcile-reversals';
import type {
  ScannedAccount, ScannedEntry, ScannedEvent, ScannedHold, ScannedIdempotency, ScannedItem, ScannedTransaction,
} from './scanned';

/** One broken invariant: which check, on which item, and what was found. */
export interface Violation {
  check: string;
  subject: string;
  detail: string;
}

/** What a reconciliation read and found. `violationCount` counts all; `violations` keeps the first ones. */
export interface ReconcileReport {
  items: number;
  accounts: number;
  entries: number;
  transactions: number;
  currencies: string[];
  violationCount: number;
  violations: Violation[];
}

/** A corrupted table could hold millions of violations; the report keeps this many, and counts the rest. */
const violationsKeptMax = 1000;

/**
 * Reads the whole table once and checks every invariant of the ledger. The table should be quiescent: a scan is not
 * a snapshot, so a transfer that lands mid-scan can look like a violation.
 */
export async function reconcileTable(options: { segments?: number } = {}): Promise<ReconcileReport> {
  // The whole table holds every event, so the outbox is checked too; a set of accounts reads none of it.
  const ledger = new Reconciler(true);
  const items = await scanLedger((item) => ledger.add(item), options);
  return ledger.report(items);
}

/**
 * Checks a closed set of accounts (every transfer between two of them) and the transactions that touched them; the
 * per-currency sum is over the set. For tests that share a table with others.
 */
export async function reconcileAccounts(accountIds: Iterable<string>): Promise<ReconcileReport> {
  const ledger = new Reconciler();
  const items = await readAccounts(accountIds, (item) => ledger.add(item));
  return ledger.report(items);
}

/**
 * Collects items in any order, then checks them all at once. Every account has one balance shard or more (a hot
 * account's balance is the sum of its shards); each shard is checked as an account of one shard is:
 * - every shard's balance equals its credits minus its debits, and its entries are numbered 1..seq without gaps;
 * - each entry's `balanceAfter` is the shard's running balance (so the balance at any time is right), and agrees
 *   with the transaction it belongs to; entries are numbered in order of `createdAt` (ties allowed), and the shard's
 *   `updatedAt` is not before its last entry's, which new entries are minted from (so `?at=` and `to` find them);
 * - every shard of an account exists, of its account's currency, type and status, and no other does;
 * - a status is `active`, `frozen` or `closed`, and a closed account's shards sum to 0;
 * - every transaction balances in each currency (its amount is its debits), names existing accounts of each entry's
 *   currency, and each of its entries is stored exactly once; no entry lacks its transaction;
 * - a transaction's `reversedAmount` is the sum of its reversals and at most its amount, and reversals link both ways;
 * - per currency, all balances sum to 0; no `user` account is below 0; every posted idempotency key names a transaction, and a refused one none;
 * - what holds reserve, and their captures, as `holdViolations` (./reconcile-holds.ts) checks them;
 * - over the whole table, that every transaction has its event (the outbox), as `eventViolations` checks it.
 */
export class Reconciler {
  private readonly accounts = new Map<string, ScannedAccount>();
  private readonly entriesOf = new Map<string, ScannedEntry[]>();
  private readonly transactions = new Map<string, ScannedTransaction>();
  private readonly keysBound: ScannedIdempotency[] = [];
  private readonly holds: ScannedHold[] = [];
  private readonly events: ScannedEvent[] = [];

  constructor(private readonly checkEvents = false) {}
  private readonly found: Violation[] = [];
  private foundCount = 0;
  private entryCount = 0;

  add(item: ScannedItem): void {
    switch (item.entity) {
      case 'account':
        this.accounts.set(shardName(item.id, item.shard), item);
        break;
      case 'entry':
        this.entryCount += 1;
        appendTo(this.entriesOf, shardName(item.accountId, item.shard), item);
        break;
      case 'transaction':
        this.transactions.set(item.id, item);
        break;
      case 'idempotency':
        this.keysBound.push(item);
        break;
      case 'hold':
        this.holds.push(item);
        break;
      case 'event':
        this.events.push(item);
        break;
      case 'other':
        if (!nonLedgerEntities.has(String(item.kind))) {
          this.violation('entity_known', item.key, `entity is ${JSON.stringify(item.kind)}`);
        }
        break;
    }
  }

  report(items: number): ReconcileReport {
    const postings = new Map<string, Posting[]>();
    for (const account of this.accounts.values()) {
      this.checkAccount(account, postings);
      this.checkShards(account);
    }
    for (const [name, entries] of this.entriesOf) {
      if (!this.accounts.has(name)) {
        this.violation('entry_account_exists', entries[0]!.key, `${entries.length} entries of a missing account`);
      }
    }
    for (const txn of this.transactions.values()) this.checkTransaction(txn, postings.get(txn.id) ?? []);
    for (const [check, subject, detail] of holdViolations(this.holds, this.accounts, this.transactions)) this.violation(check, subject, detail);
    if (this.checkEvents) for (const [check, subject, detail] of eventViolations(this.events, this.transactions)) this.violation(check, subject, detail);
    const currencies = this.checkConservation();
    for (const [check, subject, detail] of keyViolations(this.keysBound, this.transactions)) this.violation(check, subject, detail);
    return {
      items,
      accounts: [...this.accounts.values()].filter((account) => account.shard === 0).length,
      entries: this.entryCount,
      transactions: this.transactions.size,
      currencies,
      violationCount: this.foundCount,
      violations: this.found,
    };
  }

  /** Walks a shard's entries in sequence order, recording which transaction each posts, for the next check. */
  private checkAccount(account: ScannedAccount, postings: Map<string, Posting[]>): void {
    if (account.balance === undefined || account.seq === undefined || account.currency === undefined) {
      this.violation('account_well_formed', account.key, 'balance, seq or currency is missing or not an integer');
      return;
    }
    const entries = [...(this.entriesOf.get(shardName(account.id, account.shard)) ?? [])].sort((a, b) => Number((a.seq ?? 0n) - (b.seq ?? 0n)));
    let running = 0n;
    entries.forEach((entry, index) => {
      if (entry.seq !== BigInt(index + 1)) this.violation('entry_sequence', entry.key, `expected seq ${index + 1}`);
      if (entry.amount === undefined || entry.amount <= 0n) {
        this.violation('entry_well_formed', entry.key, 'amount is missing or not a positive integer');
        return;
      }
      if (entry.direction === 'credit') running += entry.amount;
      else if (entry.direction === 'debit') running -= entry.amount;
      else this.violation('entry_well_formed', entry.key, `direction is ${JSON.stringify(entry.direction)}`);
      if (entry.balanceAfter !== running) {
        this.violation('entry_balance_after', entry.key, `balanceAfter ${entry.balanceAfter}, running balance ${running}`);
      }
      if (entry.currency !== account.currency) {
        this.violation('entry_currency', entry.key, `entry in ${entry.currency}, account in ${account.currency}`);
      }
      const txn = entry.transactionId ? this.transactions.get(entry.transactionId) : undefined;
      if (!txn) {
        this.violation('entry_transaction_exists', entry.key, `transaction ${entry.transactionId} is missing`);
        return;
      }
      appendTo(postings, txn.id, { accountId: account.id, direction: entry.direction, shard: account.shard });
      const line = txn.entries.find((e) => e.accountId === account.id && e.direction === entry.direction && (e.shard ?? 0) === account.shard);
      if (!line || line.amount !== entry.amount) {
        this.violation('entry_matches_transaction', entry.key, `transaction ${txn.id} has no ${entry.direction} of ${entry.amount} here`);
      }
    });
    this.checkTimes(account, entries);
    if (account.seq !== BigInt(entries.length)) {
      this.violation('account_seq', account.key, `seq ${account.seq}, ${entries.length} entries`);
    }
    if (account.balance !== running) {
      this.violation('account_balance', account.key, `balance ${account.balance}, entries sum to ${running}`);
    }
    if (account.type === 'user' && account.balance < 0n) {
      this.violation('user_balance_non_negative', account.key, `balance ${account.balance}`);
    } else if (account.type !== 'user' && account.type !== 'system') {
      this.violation('account_well_formed', account.key, `type is ${JSON.stringify(account.type)}`);
    }
  }

  /**
   * A shard's entries, in sequence order, were posted in time order (ties allowed), and its `updatedAt`, which new
   * entries are minted from, is not before the last of them: a search by time (`?at=`, `to`) relies on both.
   */
  private checkTimes(account: ScannedAccount, entries: readonly ScannedEntry[]): void {
    let latestMs = -Infinity;
    for (const entry of entries) {
      const createdMs = timeMs(entry.createdAt);
      if (Number.isNaN(createdMs)) {
        this.violation('entry_well_formed', entry.key, `createdAt is ${JSON.stringify(entry.createdAt)}`);
        continue;
      }
      if (createdMs < latestMs) this.violation('entry_time_order', entry.key, `createdAt ${entry.createdAt} is before an earlier-numbered entry's`);
      latestMs = Math.max(latestMs, createdMs);
    }
    const updatedMs = timeMs(account.updatedAt);
    if (Number.isNaN(updatedMs) || updatedMs < latestMs) {
      this.violation('account_updated_at', account.key, `updatedAt ${account.updatedAt}, last entry posted at ${entries.at(-1)?.createdAt ?? 'none'}`);
    }
  }

  /** A shard belongs to an account with that many shards, in its currency and of its type; every shard is there. */
  private checkShards(shard: ScannedAccount): void {
    const account = this.accounts.get(shardName(shard.id, 0));
    const shards = Number(account?.shards ?? 0n);
    if (!account || shards < 1 || shard.shard >= shards) {
      this.violation('shard_of_account', shard.key, `shard ${shard.shard} of an account of ${shards} shards`);
      return;
    }
    if (shard.currency !== account.currency || shard.type !== account.type) {
      this.violation('shard_of_account', shard.key, `shard in ${shard.currency} (${shard.type}), account in ${account.currency} (${account.type})`);
    }
    if (!['active', 'frozen', 'closed'].includes(String(shard.status))) {
      this.violation('account_well_formed', shard.key, `status is ${JSON.stringify(shard.status)}`);
    } else if (shard.status !== account.status) {
      // A status change writes every shard in one transaction: shards that disagree mean a movement could be planned
      // against the wrong one.
      this.violation('shard_status', shard.key, `shard ${shard.status}, account ${account.status}`);
    }
    if (shard.shard !== 0) return;
    let total = 0n;
    for (let other = 0; other < shards; other += 1) {
      const found = this.accounts.get(shardName(shard.id, other));
      if (!found) this.violation('shard_exists', shard.key, `shard ${other} is missing`);
      total += found?.balance ?? 0n;
    }
    if (account.status === 'closed' && total !== 0n) this.violation('closed_account_empty', shard.key, `closed with balance ${total}`);
  }

  private checkTransaction(txn: ScannedTransaction, posted: Posting[]): void {
    const net = new Map<string, bigint>();
    let debits = 0n;
    for (const { currency, direction, amount = 0n } of txn.entries) {
      net.set(String(currency), (net.get(String(currency)) ?? 0n) + (direction === 'credit' ? amount : -amount));
      if (direction === 'debit') debits += amount;
    }
    if (txn.amount === undefined || txn.amount <= 0n || debits !== txn.amount || [...net.values()].some((sum) => sum !== 0n)) {
      this.violation('transaction_balanced', txn.key, `amount ${txn.amount}, debits ${debits}, net per currency ${[...net].join(' ')}`);
    }
    for (const line of txn.entries) {
      const account = line.accountId === undefined ? undefined : this.accounts.get(shardName(line.accountId, 0));
      if (!account) {
        this.violation('transaction_account_exists', txn.key, `account ${line.accountId} is missing`);
      } else if (account.currency !== line.currency) {
        this.violation('transaction_currency', txn.key, `account ${account.id} holds ${account.currency}, not ${line.currency}`);
      }
      const stored = posted.filter((p) => p.accountId === line.accountId && p.direction === line.direction && p.shard === (line.shard ?? 0)).length;
      if (stored !== 1) {
        this.violation('transaction_entries_stored', txn.key, `${line.direction} on ${line.accountId} stored ${stored} times`);
      }
    }
    if (posted.length !== txn.entries.length) {
      this.violation('transaction_entries_stored', txn.key, `${txn.entries.length} entries, ${posted.length} stored`);
    }
    for (const [check, detail] of reversalViolations(txn, this.transactions)) this.violation(check, txn.key, detail);
  }

  /** Per currency, all balances sum to 0: money only moves between accounts, system accounts included. */
  private checkConservation(): string[] {
    const totals = new Map<string, bigint>();
    for (const account of this.accounts.values()) {
      if (account.currency === undefined || account.balance === undefined) continue;
      totals.set(account.currency, (totals.get(account.currency) ?? 0n) + account.balance);
    }
    for (const [currency, total] of totals) {
      if (total !== 0n) this.violation('currency_conserved', currency, `balances sum to ${total}`);
    }
    return [...totals.keys()].sort();
  }

  private violation(check: string, subject: string, detail: string): void {
    this.foundCount += 1;
    if (this.found.length < violationsKeptMax) this.found.push({ check, subject, detail });
  }
}

/** An entry as stored: which shard of which account it posts to, and which way. */
interface Posting {
  accountId: string;
  direction: string | undefined;
  shard: number;
}

/** Milliseconds since the epoch of a stored time (ISO 8601 in UTC), or `NaN` for one missing or malformed. */
function timeMs(time: string | undefined): number {
  return time !== undefined && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/.test(time) ? Date.parse(time) : NaN;
}

function appendTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
