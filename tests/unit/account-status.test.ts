import type { Caller } from '../../lib/identity/model';
import type { AccountRecord, AccountStatus } from '../../lib/ledger/model';
import { ledgerWrite, planTransfer } from '../../lib/ledger/rules';
import { updateAccountBody } from '../../lib/ledger/schemas';
import { assertMayCredit, assertMayDebit, mergeMetadata, planStatusChange, type StatusAction } from '../../lib/ledger/status';
import { balanceUpdate } from '../../lib/storage/accounts';

type Update = NonNullable<ReturnType<typeof balanceUpdate>['Update']>;

const owner: Caller = { userId: 'owner-1', role: 'user', mfa: false };
const admin: Caller = { userId: 'admin-1', role: 'admin', mfa: true };
const adminWithoutMfa: Caller = { ...admin, mfa: false };
const minted = { id: 'txn-1', createdAt: '2026-12-06T10:00:00.000Z', initiatedBy: { userId: 'admin-1', role: 'admin' as const, requestId: null, sourceIp: null } };

function account(overrides: Partial<AccountRecord> = {}): AccountRecord {
  return {
    id: 'acct-a', ownerId: owner.userId, type: 'user', currency: 'USD', name: null, status: 'active', metadata: {}, shards: 1,
    shard: 0, balance: 0, pending: 0, seq: 0, createdAt: minted.createdAt, updatedAt: minted.createdAt, ...overrides,
  };
}

/** The code of the error `fn` throws, or `undefined`. */
function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
}

describe('assertMayDebit and assertMayCredit', () => {
  it.each([
    ['active', undefined, undefined],
    ['frozen', 'account_frozen', undefined],
    ['closed', 'account_closed', 'account_closed'],
  ] as const)('a %s account: debit %s, credit %s', (status, debit, credit) => {
    expect(codeOf(() => assertMayDebit({ status }))).toBe(debit);
    expect(codeOf(() => assertMayCredit({ status }))).toBe(credit);
  });

  it('are what planTransfer checks, before funds: a frozen source is refused even when it could pay', () => {
    const body = { fromAccountId: 'acct-a', toAccountId: 'acct-b', amount: 10, currency: 'USD' as const };
    const to = account({ id: 'acct-b', ownerId: 'other' });
    expect(codeOf(() => planTransfer(owner, body, account({ status: 'frozen', balance: 100 }), to, minted))).toBe('account_frozen');
    expect(codeOf(() => planTransfer(owner, body, account({ status: 'frozen', balance: 0 }), to, minted))).toBe('account_frozen');
    expect(codeOf(() => planTransfer(owner, body, account({ status: 'closed' }), to, minted))).toBe('account_closed');
    expect(codeOf(() => planTransfer(owner, body, account({ balance: 100 }), { ...to, status: 'closed' }, minted))).toBe('account_closed');
    expect(planTransfer(owner, body, account({ balance: 100 }), { ...to, status: 'frozen' }, minted).transaction.amount).toBe(10);
  });
});

describe('planStatusChange', () => {
  const shardsOf = (status: AccountStatus, balances: number[]) =>
    balances.map((balance, shard) => account({ status, balance, shard, shards: balances.length, type: 'system' }));

  it.each([
    ['an owner freezing', owner, 'active', [0], 'freeze', 'forbidden'],
    ['an owner unfreezing', owner, 'frozen', [0], 'unfreeze', 'forbidden'],
    ['a freeze of a closed account', admin, 'closed', [0], 'freeze', 'account_closed'],
    ['an unfreeze of a closed account', admin, 'closed', [0], 'unfreeze', 'account_closed'],
    ['a close of a closed account', owner, 'closed', [0], 'close', 'account_closed'],
    ['a close with money left', owner, 'active', [1], 'close', 'account_not_empty'],
    ['a close of a hot account with money on one shard', admin, 'active', [0, 0, 5], 'close', 'account_not_empty'],
    ['an owner closing a frozen account', owner, 'frozen', [0], 'close', 'account_frozen'],
    // What the close, freeze and unfreeze routes declare: admin power needs a session opened with MFA.
    ['an admin without MFA freezing', adminWithoutMfa, 'active', [0], 'freeze', 'mfa_required'],
    ['an admin without MFA unfreezing', adminWithoutMfa, 'frozen', [0], 'unfreeze', 'mfa_required'],
    ['an admin without MFA closing a frozen account', adminWithoutMfa, 'frozen', [0], 'close', 'mfa_required'],
  ] as const)('refuses %s', (_, caller, status, balances, action, code) => {
    expect(codeOf(() => planStatusChange(caller, shardsOf(status, [...balances]), action))).toBe(code);
  });

  it.each([
    ['admin', 'active', 'freeze', 'frozen'],
    ['admin', 'frozen', 'freeze', undefined],
    ['admin', 'frozen', 'unfreeze', 'active'],
    ['admin', 'active', 'unfreeze', undefined],
    ['user', 'active', 'close', 'closed'],
    ['admin', 'frozen', 'close', 'closed'],
  ] as const)('an %s: %s + %s → %s', (role, status, action, next) => {
    expect(planStatusChange(role === 'admin' ? admin : owner, shardsOf(status, [0]), action as StatusAction)).toBe(next);
  });

  it('closes a hot account whose shards sum to 0, and asserts every shard was read and agrees', () => {
    expect(planStatusChange(admin, shardsOf('active', [7, -7, 0]), 'close')).toBe('closed');
    expect(() => planStatusChange(admin, shardsOf('active', [0, 0]).slice(0, 1).map((s) => ({ ...s, shards: 2 })), 'close')).toThrow(/Assertion failed/);
    const split = [account({ shards: 2 }), account({ shards: 2, shard: 1, status: 'frozen' })];
    expect(() => planStatusChange(admin, split, 'freeze')).toThrow(/Assertion failed/);
  });
});

describe('mergeMetadata', () => {
  it('sets the keys given, removes those given as "", and keeps the rest', () => {
    expect(mergeMetadata({ a: '1', b: '2' }, { b: '3', c: '4', a: '' })).toEqual({ b: '3', c: '4' });
    expect(mergeMetadata({}, { gone: '', kept: 'x' })).toEqual({ kept: 'x' });
    expect(mergeMetadata({ a: '1' }, {})).toEqual({ a: '1' });
  });

  it('holds the merged result to 20 keys, and lets an edit that removes keys make room', () => {
    const twenty = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, 'v']));
    expect(codeOf(() => mergeMetadata(twenty, { extra: 'v' }))).toBe('validation_failed');
    expect(Object.keys(mergeMetadata(twenty, { extra: 'v', k0: '' }))).toHaveLength(20);
  });
});

describe('updateAccountBody', () => {
  it.each([
    [{}, false], [{ name: 'Rent' }, true], [{ name: null }, true], [{ metadata: {} }, true], [{ metadata: { a: '' } }, true],
    [{ status: 'closed' }, false], [{ name: '' }, false],
  ])('%j parses: %s', (body, ok) => {
    expect(updateAccountBody.safeParse(body).success).toBe(ok);
  });
});

describe('the status conditions of a ledger write', () => {
  it('require each debited shard to be active and each credited-only shard not closed', () => {
    const from = account({ balance: 100 });
    const to = account({ id: 'acct-b', ownerId: 'other', status: 'frozen' });
    const plan = planTransfer(owner, { fromAccountId: from.id, toAccountId: to.id, amount: 10, currency: 'USD' }, from, to, minted);
    const [debited, credited] = ledgerWrite([plan]).accounts.map((change) => balanceUpdate(change, minted.createdAt).Update!) as [Update, Update];
    expect(debited.ConditionExpression).toContain('(attribute_not_exists(#status) OR #status = :active)');
    expect(debited.ExpressionAttributeValues).toMatchObject({ ':active': 'active' });
    expect(credited.ConditionExpression).toContain('(attribute_not_exists(#status) OR #status <> :closed)');
    expect(credited.ExpressionAttributeValues).toMatchObject({ ':closed': 'closed' });
    expect(debited.ExpressionAttributeNames).toMatchObject({ '#status': 'status' });
  });
});
