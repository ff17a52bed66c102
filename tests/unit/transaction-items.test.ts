import { transactionFromItem } from '../../lib/storage/transactions';

/*
 * Transaction items written before multi-entry transactions name the owners of their two sides, not each entry's,
 * and hold no entry currency, metadata or reversals: they read back as the records of today.
 */
const legacy = {
  pk: 'TXN#t', sk: 'TXN', entity: 'transaction', id: 't', status: 'posted', amount: 10, currency: 'USD',
  fromAccountId: 's', toAccountId: 'a', description: null, createdAt: '2026-12-02T12:00:00.000Z', fromOwnerId: 'x', toOwnerId: 'o',
  entries: [
    { accountId: 's', direction: 'debit', amount: 10, balanceAfter: -10 },
    { accountId: 'a', direction: 'credit', amount: 10, balanceAfter: 10 },
  ],
};

describe('a transaction item from before multi-entry transactions', () => {
  it('reads each entry with its side\'s owner and the transaction\'s currency, and no metadata or reversals', () => {
    expect(transactionFromItem(legacy)).toEqual({
      id: 't', kind: 'transfer', status: 'posted', amount: 10, currency: 'USD', fromAccountId: 's', toAccountId: 'a',
      description: null, metadata: {}, createdAt: legacy.createdAt, reverses: null, holdId: null, reversedAmount: 0, reversalIds: [], initiatedBy: null,
      entries: [
        { accountId: 's', direction: 'debit', amount: 10, currency: 'USD', balanceAfter: -10, shard: null, ownerId: 'x' },
        { accountId: 'a', direction: 'credit', amount: 10, currency: 'USD', balanceAfter: 10, shard: null, ownerId: 'o' },
      ],
    });
  });

  it('reads a reversed amount that is not a safe integer as a bug, not a default', () => {
    expect(() => transactionFromItem({ ...legacy, reversedAmount: 1.5 })).toThrow(/Assertion failed/);
    expect(() => transactionFromItem({ ...legacy, kind: 'refund' })).toThrow(/Assertion failed/);
  });
});
