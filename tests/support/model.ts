import type { CurrencyCode } from '../../lib/ledger/currencies';
import { amountMinorMax } from '../../lib/ledger/schemas';

/**
 * The simplest ledger that could be right: balances in a map, updated only by transfers the real ledger accepted.
 * After a run every real balance must equal the model's, and every logical request must be stored exactly as often
 * as its outcomes allow (once if any answer said posted, never if all were refusals, at most once if unknown).
 */
export interface ModelAccount {
  id: string;
  ownerId: string;
  type: 'user' | 'system';
  currency: CurrencyCode;
  /** Balance shards: a hot account's balance is spread over them, each within its share of 2^53 − 1. */
  shards: number;
  balance: bigint;
}

/** One answer the ledger gave to a transfer request. */
export interface TransferOutcome {
  status: number;
  code?: string;
  transactionId?: string;
  replayed?: boolean;
}

/** A logical request: every send of one body (under one key, or once without). Its description is unique. */
interface RequestGroup {
  description: string;
  from: string;
  to: string;
  amount: number;
  outcomes: TransferOutcome[];
}

/** What the table holds for one transfer, found through its debit entry. */
export interface StoredTransfer {
  id: string;
  description: string | null;
  from: string;
  to: string;
  amount: number;
}

function abs(value: bigint): bigint {
  return value < 0n ? -value : value;
}

export class LedgerModel {
  readonly accounts = new Map<string, ModelAccount>();
  private readonly groups = new Map<string, RequestGroup>();

  addAccount(account: Omit<ModelAccount, 'balance'>): void {
    this.accounts.set(account.id, { ...account, balance: 0n });
  }

  /** Records an answer to a request whose body carries `description`. */
  record(description: string, request: { from: string; to: string; amount: number }, outcome: TransferOutcome): void {
    const group = this.groups.get(description) ?? { description, ...request, outcomes: [] };
    group.outcomes.push(outcome);
    this.groups.set(description, group);
  }

  /**
   * What a sequential request should answer given the model's balances, in the order the ledger checks its rules; the
   * idempotency replay is decided by the caller, which knows the keys.
   */
  predict(caller: { userId: string; role: string }, body: { fromAccountId: string; toAccountId: string; amount: number; currency: string }): string {
    const from = this.accounts.get(body.fromAccountId);
    const to = this.accounts.get(body.toAccountId);
    if (body.fromAccountId === body.toAccountId) return 'same_account';
    if (!from || (caller.role !== 'admin' && from.ownerId !== caller.userId) || !to) return 'account_not_found';
    if (from.type === 'system' && caller.role !== 'admin') return 'forbidden';
    if (from.currency !== body.currency || to.currency !== body.currency) return 'currency_mismatch';
    const amount = BigInt(body.amount);
    const max = BigInt(amountMinorMax);
    if (from.type === 'user' && from.balance < amount) return 'insufficient_funds';
    // A hot account keeps each shard within its share of the limit; where that share could be reached, which shard
    // the money is on decides, and the model does not know that.
    const nearShardLimit = (account: ModelAccount) => account.shards > 1
      && abs(account.balance) + amount > max / BigInt(account.shards);
    if (nearShardLimit(from) || nearShardLimit(to)) return 'unknown';
    if (to.balance + amount > max || from.balance - amount < -max) return 'balance_limit_exceeded';
    return 'posted';
  }

  /** Applies a transfer the ledger accepted. */
  apply(from: string, to: string, amount: number): void {
    this.accounts.get(from)!.balance -= BigInt(amount);
    this.accounts.get(to)!.balance += BigInt(amount);
  }

  /**
   * Compares the stored transfers with every recorded request and returns each discrepancy: a request answered posted
   * must be stored once under the id it was answered with, a refused one never, and one whose answer was unknown (a
   * 5xx) exactly as the run settled it by reading. Balances were applied during the run.
   */
  settle(stored: StoredTransfer[], settledPosted: Set<string>): string[] {
    const problems: string[] = [];
    const byDescription = new Map<string, StoredTransfer[]>();
    for (const txn of stored) {
      const list = byDescription.get(txn.description ?? '') ?? [];
      list.push(txn);
      byDescription.set(txn.description ?? '', list);
    }
    for (const group of this.groups.values()) {
      const found = byDescription.get(group.description) ?? [];
      byDescription.delete(group.description);
      const postedIds = new Set(group.outcomes.filter((o) => o.status === 201).map((o) => o.transactionId));
      const expected = postedIds.size > 0 || settledPosted.has(group.description) ? 1 : 0;
      if (found.length !== expected) problems.push(`${group.description}: stored ${found.length} times, expected ${expected}`);
      if (postedIds.size > 1) problems.push(`${group.description}: answered with ${postedIds.size} transaction ids`);
      const txn = found[0];
      if (!txn) continue;
      if (postedIds.size === 1 && !postedIds.has(txn.id)) problems.push(`${group.description}: answered a different id`);
      if (txn.amount !== group.amount || txn.from !== group.from || txn.to !== group.to) {
        problems.push(`${group.description}: stored ${txn.amount} ${txn.from}→${txn.to}, asked ${group.amount}`);
      }
    }
    for (const [description, list] of byDescription) {
      problems.push(`${description || '(no description)'}: ${list.length} stored transfers nobody asked for`);
    }
    return problems;
  }

  /** Compares real balances with the model's. */
  compareBalances(actual: Map<string, number>): string[] {
    const problems: string[] = [];
    for (const account of this.accounts.values()) {
      const real = actual.get(account.id);
      if (real === undefined || BigInt(real) !== account.balance) {
        problems.push(`account ${account.id}: balance ${real}, model ${account.balance}`);
      }
    }
    return problems;
  }

  /** How many requests ended in each way, for reports. */
  tally(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const group of this.groups.values()) {
      for (const outcome of group.outcomes) {
        const name = outcome.status === 201 ? (outcome.replayed ? 'replayed' : 'posted') : `${outcome.status} ${outcome.code}`;
        counts[name] = (counts[name] ?? 0) + 1;
      }
    }
    return counts;
  }
}
