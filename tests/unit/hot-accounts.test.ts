import fc from 'fast-check';
import type { Caller } from '../../lib/identity/model';
import { shardsMax, sweepShardsMax, type AccountRecord, type TransactionRecord } from '../../lib/ledger/model';
import { accountsAfter, ledgerWrite, planSweep, planTransfer, shardLimit } from '../../lib/ledger/rules';
import { transactionView } from '../../lib/ledger/transaction-view';
import { leaveShard, learn, legsOf, shardFor, shardsToLeave } from '../../lib/ledger/shard-routing';
import { mergeShardLines } from '../../lib/ledger/transactions';
import type { StatementLine } from '../../lib/storage/transactions';

const admin: Caller = { userId: 'admin-1', role: 'admin', mfa: true };
const merchant: Caller = { userId: 'merchant-1', role: 'user', mfa: false };
const minted = { id: 'txn-1', createdAt: '2026-12-06T08:00:00.000Z', initiatedBy: { userId: 'admin-1', role: 'admin' as const, requestId: null, sourceIp: null } };

/** Shard `shard` of a hot account of `shards` shards. */
function shard(shardIndex: number, overrides: Partial<AccountRecord> = {}): AccountRecord {
  return {
    id: 'hot', ownerId: merchant.userId, type: 'user', currency: 'USD', name: null, status: 'active', metadata: {}, shards: 8, shard: shardIndex,
    balance: 0, pending: 0, seq: 0, createdAt: minted.createdAt, updatedAt: minted.createdAt, ...overrides,
  };
}

const payer: AccountRecord = { ...shard(0), id: 'payer', ownerId: 'payer-1', shards: 1, balance: 1000 };

describe('a transfer on a hot account', () => {
  it('posts to the shard it read, names it on the entry, and leaves only that shard moved', () => {
    const plan = planTransfer(admin, { fromAccountId: 'payer', toAccountId: 'hot', amount: 40, currency: 'USD' }, payer, shard(5, { balance: 7, seq: 2 }), minted);
    expect(plan.transaction.entries.map((e) => [e.accountId, e.direction, e.shard, e.balanceAfter])).toEqual([
      ['payer', 'debit', null, 960],
      ['hot', 'credit', 5, 47],
    ]);
    expect(accountsAfter(plan).map((a) => [a.id, a.shard, a.balance, a.seq])).toEqual([['payer', 0, 960, 1], ['hot', 5, 47, 3]]);
  });

  it('keeps each shard within its share of 2^53 − 1, so the sum of the shards stays an exact integer', () => {
    const full = shard(3, { balance: shardLimit({ shards: 8 }) });
    expect(() => planTransfer(admin, { fromAccountId: 'payer', toAccountId: 'hot', amount: 1, currency: 'USD' }, payer, full, minted))
      .toThrow(expect.objectContaining({ code: 'balance_limit_exceeded' }));
    expect(shardLimit({ shards: shardsMax }) * shardsMax).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
  });

  it('shows no balanceAfter on a hot account\'s entries, to anyone, and the others\' as before', () => {
    const { transaction } = planTransfer(admin, { fromAccountId: 'payer', toAccountId: 'hot', amount: 40, currency: 'USD' }, payer, shard(5), minted);
    const view = transactionView(admin, transaction);
    expect(view.entries).toEqual([
      { accountId: 'payer', direction: 'debit', amount: 40, currency: 'USD', balanceAfter: 960 },
      { accountId: 'hot', direction: 'credit', amount: 40, currency: 'USD', balanceAfter: null },
    ]);
    expect(view).not.toHaveProperty('kind');
  });
});

describe('planSweep', () => {
  const shards = [shard(0, { balance: 10 }), shard(1, { balance: 30 }), shard(2, { balance: 500 }), shard(3), shard(4, { balance: 200 }), shard(5), shard(6), shard(7, { balance: 5 })];

  it('moves the fullest shards into shard 0 until it covers the debit, in one balanced transaction', () => {
    const swept = planSweep(shards, 600, minted);
    if (swept.kind !== 'sweep') throw new Error(`expected a sweep, got ${swept.kind}`);
    const { transaction, legs } = swept.plan;
    expect(transaction).toMatchObject({ kind: 'sweep', amount: 700, fromAccountId: null, toAccountId: null });
    expect(transaction.entries.map((e) => [e.direction, e.shard, e.amount, e.balanceAfter])).toEqual([
      ['debit', 2, 500, 0],
      ['debit', 4, 200, 0],
      ['credit', 0, 700, 710],
    ]);
    expect(legs.map((leg) => leg.shard)).toEqual([2, 4, 0]);
    // Shard 0 counts the sweep, so that a read of every shard can tell money moved between them.
    expect(ledgerWrite([swept.plan]).accounts.map((c) => [c.read.shard, c.deltaMinor, c.sweeps])).toEqual([[2, -500, 0], [4, -200, 0], [0, 700, 1]]);
  });

  it.each([
    ['covered when shard 0 already holds enough', 10, 'covered'],
    ['insufficient when all the shards together hold less', 746, 'insufficient'],
  ] as const)('is %s', (_, needed, kind) => {
    expect(planSweep(shards, needed, minted).kind).toBe(kind);
  });

  it('is too large when the shards hold the debit but shard 0 may never hold that much', () => {
    const limit = shardLimit({ shards: 8 });
    const rich = shards.map((s) => ({ ...s, balance: s.shard === 0 ? 0 : limit }));
    expect(planSweep(rich, limit + 1, minted).kind).toBe('too_large');
    expect(planSweep(rich, limit, minted).kind).toBe('sweep');
  });

  it('empties at most sweepShardsMax shards at once; the debit then sweeps again', () => {
    const many = Array.from({ length: shardsMax }, (_, index) => shard(index, { shards: shardsMax, balance: index === 0 ? 0 : 1 }));
    const swept = planSweep(many, shardsMax - 1, minted);
    if (swept.kind !== 'sweep') throw new Error(`expected a sweep, got ${swept.kind}`);
    expect(swept.plan.transaction.amount).toBe(sweepShardsMax);
  });

  it('conserves the account\'s balance and never takes a shard below 0, whatever the shards hold', () => {
    fc.assert(fc.property(fc.array(fc.nat({ max: 1000 }), { minLength: 8, maxLength: 8 }), fc.integer({ min: 1, max: 9000 }), (balances, needed) => {
      const read = balances.map((balance, index) => shard(index, { balance }));
      const swept = planSweep(read, needed, minted);
      const total = balances.reduce((a, b) => a + b, 0);
      if (swept.kind !== 'sweep') return swept.kind === (balances[0]! >= needed ? 'covered' : 'insufficient') && (swept.kind === 'covered' || total < needed);
      const after = accountsAfter(swept.plan);
      const untouched = read.filter((s) => !after.some((a) => a.shard === s.shard));
      return [...after, ...untouched].reduce((sum, s) => sum + s.balance, 0) === total
        && after.every((s) => s.balance >= 0)
        && after.find((s) => s.shard === 0)!.balance >= needed;
    }));
  });
});

describe('shard routing in one process', () => {
  it('writes an account it has not read yet on shard 0, and a user account\'s debits always there', () => {
    expect(shardFor('never-read', 'credit')).toBe(0);
    learn(shard(0, { id: 'merchant-a' }));
    expect(shardFor('merchant-a', 'debit')).toBe(0);
  });

  it('keeps one shard other than 0 for a hot account\'s credits and a hot system account\'s debits, until it leaves it', () => {
    learn(shard(0, { id: 'settlement', type: 'system', shards: 4 }));
    const first = shardFor('settlement', 'debit');
    expect(first).toBeGreaterThanOrEqual(1);
    expect(first).toBeLessThan(4);
    expect(shardFor('settlement', 'credit')).toBe(first);
    leaveShard({ accountId: 'settlement', shard: first });
    const second = shardFor('settlement', 'credit');
    expect(second).not.toBe(first);
    expect(second).toBeGreaterThanOrEqual(1);
    expect(second).toBeLessThan(4);
  });

  it('moves to a shard no process wrote lately, when the read of the account shows one', () => {
    learn(shard(0, { id: 'merchant-c', shards: 64 }));
    const kept = shardFor('merchant-c', 'credit');
    const survey = shardsToLeave({ accountId: 'merchant-c', shard: kept });
    expect(survey.map((ref) => ref.shard)).toEqual(Array.from({ length: 64 }, (_, index) => index));
    for (let round = 0; round < 20; round += 1) {
      const now = shardFor('merchant-c', 'credit');
      leaveShard({ accountId: 'merchant-c', shard: now }, [0, now, 17, 40]);
      expect([17, 40]).toContain(shardFor('merchant-c', 'credit'));
    }
    expect(shardsToLeave({ accountId: 'merchant-c', shard: 0 })).toEqual([]);
    expect(shardsToLeave({ accountId: 'never-read', shard: 3 })).toEqual([]);
  });

  it('names a transfer\'s shards, debit then credit', () => {
    learn(shard(0, { id: 'settlement-d', type: 'system', shards: 4 }));
    const [debit, credit] = legsOf([{ accountId: 'settlement-d', direction: 'debit' }, { accountId: 'payee-d', direction: 'credit' }]);
    expect(debit).toEqual({ accountId: 'settlement-d', shard: shardFor('settlement-d', 'debit') });
    expect(debit!.shard).toBeGreaterThan(0);
    expect(credit).toEqual({ accountId: 'payee-d', shard: 0 });
  });

  it('stays where it is when another shard, or shard 0, was the one that moved', () => {
    learn(shard(0, { id: 'merchant-b', shards: 16 }));
    const kept = shardFor('merchant-b', 'credit');
    leaveShard({ accountId: 'merchant-b', shard: 0 });
    leaveShard({ accountId: 'merchant-b', shard: kept === 1 ? 2 : 1 });
    expect(shardFor('merchant-b', 'credit')).toBe(kept);
  });
});

describe('mergeShardLines', () => {
  /** A line numbered `seq` on its shard, of a transfer (or a sweep) made at minute `minute`. */
  const line = (seq: number, minute: number, kind: TransactionRecord['kind'] = 'transfer'): StatementLine => ({
    seq,
    transaction: { id: `t${minute}`, kind, createdAt: `2026-12-06T08:${String(minute).padStart(2, '0')}:00.000Z` } as TransactionRecord,
  });

  it('merges the shards newest first, leaves sweeps out, and places each shard for the next page', () => {
    const fetched = [
      { lines: [line(3, 50), line(2, 20), line(1, 10)], more: false },
      { lines: [line(2, 40, 'sweep'), line(1, 30)], more: false },
      { lines: [], more: false },
    ];
    const page = mergeShardLines(fetched, [0, 0, 0], 2);
    expect(page.transactions.map((t) => t.id)).toEqual(['t50', 't30']);
    expect(page.before).toEqual([3, 1, 1]);
    const rest = mergeShardLines([{ lines: [line(2, 20), line(1, 10)], more: false }, { lines: [], more: false }, { lines: [], more: false }], page.before!, 2);
    expect(rest).toEqual({ transactions: [fetched[0]!.lines[1]!.transaction, fetched[0]!.lines[2]!.transaction], before: null });
  });

  it('ends a page early rather than pass a shard whose older lines were not read', () => {
    const page = mergeShardLines([{ lines: [line(9, 59)], more: true }, { lines: [line(4, 1)], more: false }], [0, 0], 5);
    expect(page.transactions.map((t) => t.id)).toEqual(['t59']);
    expect(page.before).toEqual([9, 5]);
  });

  it('shows every transfer exactly once across pages, whatever the page size', () => {
    fc.assert(fc.property(
      fc.array(fc.array(fc.record({ minute: fc.nat({ max: 59 }), sweep: fc.boolean() }), { maxLength: 12 }), { minLength: 1, maxLength: 5 }),
      fc.integer({ min: 1, max: 6 }),
      (histories, limit) => {
        // Each shard's lines, oldest first, numbered 1…n; times only grow along a shard.
        const shards = histories.map((history) => [...history].sort((a, b) => a.minute - b.minute)
          .map(({ minute, sweep }, index) => ({ seq: index + 1, transaction: { id: `s${index}-${minute}-${Math.random()}`, kind: sweep ? 'sweep' : 'transfer', createdAt: `2026-12-06T08:${String(minute).padStart(2, '0')}:00.000Z` } as TransactionRecord })));
        let before: number[] | null = shards.map(() => 0);
        const shown: string[] = [];
        for (let pages = 0; before && pages < 200; pages += 1) {
          const at: number[] = before;
          const fetched = shards.map((lines, index) => {
            const below = lines.filter((l) => at[index] === 0 || l.seq < at[index]!).reverse();
            return { lines: below.slice(0, limit), more: below.length > limit };
          });
          const page = mergeShardLines(fetched, at, limit);
          shown.push(...page.transactions.map((t) => t.id));
          before = page.before;
        }
        const transfers = shards.flat().filter((l) => l.transaction.kind === 'transfer').map((l) => l.transaction.id);
        return before === null && shown.length === transfers.length && new Set(shown).size === shown.length
          && transfers.every((id) => shown.includes(id));
      },
    ));
  });
});
