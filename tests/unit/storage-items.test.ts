import { accountFromItem } from '../../lib/storage/accounts';
import { transactionFromItem } from '../../lib/storage/transactions';

const accountItem = {
  pk: 'ACCOUNT#a', sk: 'ACCOUNT', entity: 'account', id: 'a', ownerId: 'o', type: 'user', currency: 'USD', name: null,
  balance: 10, seq: 1, createdAt: '2026-12-02T12:00:00.000Z', updatedAt: '2026-12-02T12:00:00.000Z',
};

const transactionItem = {
  pk: 'TXN#t', sk: 'TXN', entity: 'transaction', id: 't', status: 'posted', amount: 10, currency: 'USD',
  fromAccountId: 's', toAccountId: 'a', description: null, createdAt: accountItem.createdAt, fromOwnerId: 'x', toOwnerId: 'o',
  entries: [
    { accountId: 's', direction: 'debit', amount: 10, balanceAfter: -10 },
    { accountId: 'a', direction: 'credit', amount: 10, balanceAfter: 10 },
  ],
};

describe('reading items back into records', () => {
  it('maps a well-formed account and transaction to their records', () => {
    expect(accountFromItem(accountItem)).toEqual({
      id: 'a', ownerId: 'o', type: 'user', currency: 'USD', name: null, status: 'active', metadata: {}, shards: 1, shard: 0,
      balance: 10, pending: 0, seq: 1, createdAt: accountItem.createdAt, updatedAt: accountItem.updatedAt,
    });
    expect(accountFromItem({ ...accountItem, status: 'frozen', metadata: { order: '42' } })).toMatchObject({ status: 'frozen', metadata: { order: '42' } });
    expect(transactionFromItem(transactionItem)).toMatchObject({ id: 't', amount: 10, entries: transactionItem.entries });
  });

  it.each([
    ['a balance that is not a safe integer', { balance: 2 ** 53 }],
    ['a fractional balance', { balance: 1.5 }],
    ['a missing seq', { seq: undefined }],
    ['an unknown account type', { type: 'savings' }],
    ['an unknown currency', { currency: 'XXX' }],
    ['an unknown status', { status: 'suspended' }],
    ['metadata that is not strings', { metadata: { order: 42 } }],
  ])('treats an account with %s as a bug, not a default', (_, change) => {
    expect(() => accountFromItem({ ...accountItem, ...change })).toThrow(/Assertion failed/);
  });

  it.each([
    ['a zero amount', { amount: 0 }],
    ['an entry with an unknown direction', { entries: [{ ...transactionItem.entries[0], direction: 'sideways' }] }],
    ['an entry balance past 2^53', { entries: [{ ...transactionItem.entries[0], balanceAfter: 2 ** 60 }] }],
  ])('treats a transaction with %s as a bug, not a default', (_, change) => {
    expect(() => transactionFromItem({ ...transactionItem, ...change })).toThrow(/Assertion failed/);
  });
});
