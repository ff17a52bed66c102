import fc from 'fast-check';
import type { Caller } from '../../lib/identity/model';
import type { AccountRecord, TransferPlan } from '../../lib/ledger/model';
import { InsufficientFundsError, LedgerBusyError, IdempotencyKeyReusedError, AccountNotFoundError } from '../../lib/errors';
import { bindsKey, hashRequest, postedRecord, refusedRecord, replay } from '../../lib/ledger/idempotency';
import { accountsAfter, canSee, ledgerWrite, planTransfer, transferMovement } from '../../lib/ledger/rules';
import { transactionView } from '../../lib/ledger/transaction-view';
import type { TransferBody } from '../../lib/ledger/schemas';

const owner: Caller = { userId: 'owner-1', role: 'user', mfa: false };
const admin: Caller = { userId: 'admin-1', role: 'admin', mfa: true };
const minted = {
  id: 'txn-1',
  createdAt: '2026-12-02T12:00:00.000Z',
  initiatedBy: { userId: owner.userId, role: owner.role, requestId: 'req-1', sourceIp: '203.0.113.9' },
};

function account(overrides: Partial<AccountRecord> = {}): AccountRecord {
  return {
    id: 'acct-a', ownerId: owner.userId, type: 'user', currency: 'USD', name: null, status: 'active', metadata: {}, shards: 1, shard: 0, balance: 1000, pending: 0, seq: 3,
    createdAt: minted.createdAt, updatedAt: minted.createdAt, ...overrides,
  };
}

const from = account();
const to = account({ id: 'acct-b', ownerId: 'someone-else', balance: 0, seq: 0 });
const body: TransferBody = { fromAccountId: from.id, toAccountId: to.id, amount: 400, currency: 'USD' };

/** The code of the error `fn` throws. */
function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('planTransfer', () => {
  it('debits the source and credits the destination by the amount, with the balances they leave', () => {
    const { transaction } = planTransfer(owner, body, from, to, minted);
    expect(transaction).toMatchObject({ id: 'txn-1', kind: 'transfer', amount: 400, currency: 'USD', fromAccountId: 'acct-a', toAccountId: 'acct-b' });
    expect(transaction.entries).toEqual([
      { accountId: 'acct-a', direction: 'debit', amount: 400, currency: 'USD', balanceAfter: 600, shard: null, ownerId: 'owner-1' },
      { accountId: 'acct-b', direction: 'credit', amount: 400, currency: 'USD', balanceAfter: 400, shard: null, ownerId: 'someone-else' },
    ]);
  });

  it.each([
    ['a missing source', owner, undefined, to, body, 'account_not_found'],
    ['a source the caller does not own', { userId: 'intruder', role: 'user', mfa: false }, from, to, body, 'account_not_found'],
    ['a missing destination', owner, from, undefined, body, 'account_not_found'],
    ['a system source for a non-admin', owner, account({ type: 'system' }), to, body, 'forbidden'],
    ['another currency at the source', owner, account({ currency: 'EUR' }), to, body, 'currency_mismatch'],
    ['another currency at the destination', owner, from, account({ id: 'acct-b', currency: 'EUR' }), body, 'currency_mismatch'],
    ['a user account taken below 0', owner, from, to, { ...body, amount: 1001 }, 'insufficient_funds'],
    ['a destination past 2^53 − 1', owner, from, account({ id: 'acct-b', balance: Number.MAX_SAFE_INTEGER }), body, 'balance_limit_exceeded'],
    ['a system source past −(2^53 − 1)', admin, account({ type: 'system', balance: -Number.MAX_SAFE_INTEGER }), to, body, 'balance_limit_exceeded'],
  ] as const)('refuses %s', (_, caller, source, destination, input, code) => {
    expect(codeOf(() => planTransfer(caller, input, source, destination, minted))).toBe(code);
  });

  it('lets an admin move a system account below 0, and take a user account to exactly 0', () => {
    const system = account({ type: 'system', balance: 0 });
    expect(planTransfer(admin, body, system, to, minted).transaction.entries[0]!.balanceAfter).toBe(-400);
    expect(planTransfer(owner, { ...body, amount: 1000 }, from, to, minted).transaction.entries[0]!.balanceAfter).toBe(0);
  });
});

describe('canSee', () => {
  it('shows an account to its owner and to admins only', () => {
    expect(canSee(owner, from)).toBe(true);
    expect(canSee(admin, from)).toBe(true);
    expect(canSee({ userId: 'intruder', role: 'user', mfa: false }, from)).toBe(false);
  });
});

describe('idempotency', () => {
  it('hashes a request by its meaning, and replays only the request that bound the key', () => {
    const reordered: TransferBody = { currency: 'USD', amount: 400, toAccountId: to.id, fromAccountId: from.id };
    expect(hashRequest(transferMovement(reordered))).toBe(hashRequest(transferMovement(body)));
    expect(hashRequest(transferMovement({ ...body, amount: 401 }))).not.toBe(hashRequest(transferMovement(body)));
    expect(hashRequest(transferMovement({ ...body, description: 'rent' }))).not.toBe(hashRequest(transferMovement(body)));
    const record = postedRecord(planTransfer(owner, body, from, to, minted).transaction, hashRequest(transferMovement(body)), 3600);
    expect(record.expiresAt).toBe(Date.parse(minted.createdAt) / 1000 + 3600);
    const replayed = replay(owner, record, hashRequest(transferMovement(body)));
    expect(replayed).toMatchObject({ replayed: true, hold: null, transaction: { id: 'txn-1', amount: 400 } });
    expect(replayed.transaction).not.toHaveProperty('fromOwnerId');
    expect(codeOf(() => replay(owner, record, hashRequest(transferMovement({ ...body, amount: 401 }))))).toBe('idempotency_key_reused');
  });

  it('binds every refusal by the rules (422) and nothing else, and replays a refusal as it was first answered', () => {
    expect(bindsKey(new InsufficientFundsError())).toBe(true);
    for (const unbound of [new IdempotencyKeyReusedError(), new AccountNotFoundError(), new LedgerBusyError(), new Error('bug')]) {
      expect(bindsKey(unbound)).toBe(false);
    }
    const refusal = new InsufficientFundsError();
    const record = refusedRecord(refusal, hashRequest(transferMovement(body)), minted.createdAt, 3600);
    let replayed: unknown;
    try {
      replay(owner, record, hashRequest(transferMovement(body)));
    } catch (error) {
      replayed = error;
    }
    expect(replayed).toMatchObject({ status: 422, code: 'insufficient_funds', message: refusal.message, headers: { 'idempotent-replayed': 'true' } });
    expect(codeOf(() => replay(owner, record, hashRequest(transferMovement({ ...body, amount: 1 }))))).toBe('idempotency_key_reused');
  });
});

describe('transactionView', () => {
  const txn = planTransfer(owner, body, from, to, minted).transaction;

  it('shows the balance an entry leaves only on accounts the caller may see', () => {
    expect(transactionView(owner, txn).entries.map((e) => e.balanceAfter)).toEqual([600, null]);
    expect(transactionView({ userId: 'someone-else', role: 'user', mfa: false }, txn).entries.map((e) => e.balanceAfter)).toEqual([null, 400]);
    expect(transactionView(admin, txn).entries.map((e) => e.balanceAfter)).toEqual([600, 400]);
  });

  it('shows who initiated a transaction to admins only', () => {
    expect(transactionView(admin, txn).initiatedBy).toEqual(minted.initiatedBy);
    expect(transactionView(owner, txn)).not.toHaveProperty('initiatedBy');
    expect(transactionView(owner, txn).entries[0]).not.toHaveProperty('ownerId');
  });
});

describe('ledgerWrite', () => {
  it('writes each account once with its net change, in the order the plans first touch them', () => {
    const first = planTransfer(owner, body, from, to, minted);
    const [fromAfter, toAfter] = accountsAfter(first);
    const second = planTransfer(owner, { ...body, amount: 100 }, fromAfter, toAfter, { ...minted, id: 'txn-2' });
    const write = ledgerWrite([first, second]);
    expect(write.accounts.map(({ read, deltaMinor, entries }) => [read.id, read.seq, deltaMinor, entries])).toEqual([
      ['acct-a', 3, -500, 2],
      ['acct-b', 0, 500, 2],
    ]);
  });

  it('refuses plans that do not chain: a bug, not a refusal', () => {
    const first = planTransfer(owner, body, from, to, minted);
    const again = planTransfer(owner, { ...body, amount: 100 }, from, to, { ...minted, id: 'txn-2' });
    expect(() => ledgerWrite([first, again])).toThrow(/Assertion failed/);
    expect(() => ledgerWrite([])).toThrow(/Assertion failed/);
  });

  it('conserves money and numbers entries without gaps, for any sequence of transfers a batch plans', () => {
    const ids = ['a', 'b', 'c', 'd'];
    const transferArb = fc.record({
      from: fc.constantFrom(...ids), to: fc.constantFrom(...ids), amount: fc.integer({ min: 1, max: 500 }),
    });
    fc.assert(fc.property(fc.array(transferArb, { minLength: 1, maxLength: 30 }), (moves) => {
      const accounts = new Map(ids.map((id, index) => [id, account({
        id, type: index === 0 ? 'system' : 'user', balance: index === 0 ? 0 : 300, seq: index,
      })]));
      const start = new Map([...accounts].map(([id, record]) => [id, record.balance]));
      const plans: TransferPlan[] = [];
      for (const [index, move] of moves.entries()) {
        if (move.from === move.to) continue;
        const input = { fromAccountId: move.from, toAccountId: move.to, amount: move.amount, currency: 'USD' } as const;
        try {
          const plan = planTransfer(admin, input, accounts.get(move.from), accounts.get(move.to), { ...minted, id: `t${index}` });
          plans.push(plan);
          for (const after of accountsAfter(plan)) accounts.set(after.id, after);
        } catch (error) {
          expect((error as { code?: string }).code).toBe('insufficient_funds');
        }
      }
      if (plans.length === 0) return;
      const write = ledgerWrite(plans);
      const netMinor = write.accounts.reduce((sum, change) => sum + change.deltaMinor, 0);
      expect(netMinor).toBe(0);
      for (const change of write.accounts) {
        const final = accounts.get(change.read.id)!;
        expect(final.balance).toBe(start.get(change.read.id)! + change.deltaMinor);
        expect(final.seq).toBe(change.read.seq + change.entries);
        if (final.type === 'user') expect(final.balance).toBeGreaterThanOrEqual(0);
      }
    }), { numRuns: 200 });
  });
});
