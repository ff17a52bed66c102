import type { Caller } from '../../lib/identity/model';
import { requireAdminPower, usesAdminPower, withoutAdminPower } from '../../lib/identity/admin-power';
import { AccountNotFoundError, ForbiddenError, MfaSessionRequiredError } from '../../lib/errors';
import type { AccountRecord } from '../../lib/ledger/model';
import { canSee, planTransfer } from '../../lib/ledger/rules';
import { transactionView } from '../../lib/ledger/transaction-view';

const user: Caller = { userId: 'user-1', role: 'user', mfa: false };
const userWithMfa: Caller = { userId: 'user-2', role: 'user', mfa: true };
const admin: Caller = { userId: 'admin-1', role: 'admin', mfa: true };
const adminWithoutMfa: Caller = { userId: 'admin-1', role: 'admin', mfa: false };
const createdAt = '2026-12-06T10:00:00.000Z';
const minted = { id: 'txn-1', createdAt, initiatedBy: { userId: 'admin-1', role: 'admin' as const, requestId: null, sourceIp: null } };

function account(overrides: Partial<AccountRecord>): AccountRecord {
  return {
    id: 'acct', ownerId: 'user-1', type: 'user', currency: 'USD', name: null, shards: 1, shard: 0, balance: 1000, pending: 0, seq: 0,
    status: 'active', metadata: {}, createdAt, updatedAt: createdAt, ...overrides,
  };
}

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return `${(error as { status?: number }).status} ${(error as { code?: string }).code}`;
  }
  return undefined;
}

describe('admin power', () => {
  it('is held only by an admin whose session was opened with MFA', () => {
    expect([user, userWithMfa, admin, adminWithoutMfa].map(usesAdminPower)).toEqual([false, false, true, false]);
  });

  it('refuses an admin without MFA with 403 mfa_required, anyone else as told, and lets an admin with MFA through', () => {
    const forbidden = new ForbiddenError('Only admins.');
    expect(codeOf(() => requireAdminPower(user, forbidden))).toBe('403 forbidden');
    expect(codeOf(() => requireAdminPower(userWithMfa, forbidden))).toBe('403 forbidden');
    expect(codeOf(() => requireAdminPower(adminWithoutMfa, forbidden))).toBe('403 mfa_required');
    expect(codeOf(() => requireAdminPower(admin, forbidden))).toBeUndefined();
    expect(withoutAdminPower(adminWithoutMfa, new AccountNotFoundError())).toBeInstanceOf(MfaSessionRequiredError);
    expect(withoutAdminPower(admin, new AccountNotFoundError())).toBeInstanceOf(AccountNotFoundError);
  });
});

describe('the ledger rules, for an admin without MFA', () => {
  const others = account({ id: 'acct-other', ownerId: 'user-1' });
  const own = account({ id: 'acct-own', ownerId: 'admin-1' });
  const system = account({ id: 'acct-system', ownerId: 'admin-1', type: 'system', balance: 0 });
  const body = (from: AccountRecord, to: AccountRecord) => ({ fromAccountId: from.id, toAccountId: to.id, amount: 10, currency: 'USD' as const });

  it("sees only its own accounts, and moves money only out of its own user accounts", () => {
    expect([canSee(adminWithoutMfa, others), canSee(adminWithoutMfa, own), canSee(admin, others)]).toEqual([false, true, true]);
    expect(codeOf(() => planTransfer(adminWithoutMfa, body(others, own), others, own, minted))).toBe('403 mfa_required');
    expect(codeOf(() => planTransfer(adminWithoutMfa, body(system, own), system, own, minted))).toBe('403 mfa_required');
    expect(codeOf(() => planTransfer(adminWithoutMfa, body(own, others), own, others, minted))).toBeUndefined();
    expect(codeOf(() => planTransfer(admin, body(others, own), others, own, minted))).toBeUndefined();
    expect(codeOf(() => planTransfer(admin, body(system, own), system, own, minted))).toBeUndefined();
    // A user is told what it always was.
    expect(codeOf(() => planTransfer(user, body(system, others), { ...system, ownerId: 'user-1' }, others, minted))).toBe('403 forbidden');
    expect(codeOf(() => planTransfer(user, body(own, others), own, others, minted))).toBe('404 account_not_found');
  });

  it("is not shown initiatedBy or another's balances", () => {
    const { transaction } = planTransfer(admin, body(others, own), others, own, minted);
    expect(transactionView(admin, transaction)).toHaveProperty('initiatedBy');
    const view = transactionView(adminWithoutMfa, transaction);
    expect(view).not.toHaveProperty('initiatedBy');
    expect(view.entries.map((entry) => entry.balanceAfter)).toEqual([null, 1010]);
  });
});
