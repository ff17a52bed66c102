import { createAccount, getAccount, getBalance, listAccounts } from '../../lib/ledger/accounts';
import { getTransaction } from '../../lib/ledger/transaction-read';
import { listAccountTransactions } from '../../lib/ledger/transactions';
import { transfer } from '../../lib/ledger/transfers';
import { errorOf, newBank, newCaller, newUser } from '../support/ledger-fixtures';

describe('accounts against DynamoDB Local', () => {
  it('opens a user account with balance 0 and the caller as owner', async () => {
    const alice = newCaller();
    const account = await createAccount(alice, { currency: 'EUR', name: 'Savings' });
    expect(account).toMatchObject({ ownerId: alice.userId, type: 'user', currency: 'EUR', name: 'Savings', balance: 0 });
    expect(account.createdAt).toBe(account.updatedAt);
    expect(await getAccount(alice, account.id)).toEqual(account);
  });

  it('lets only admins open system accounts or accounts for others, and only for users that exist', async () => {
    const alice = newCaller();
    const bob = await newUser();
    const admin = newCaller('admin');
    expect((await errorOf(() => createAccount(alice, { currency: 'USD', type: 'system' }))).code).toBe('forbidden');
    expect((await errorOf(() => createAccount(alice, { currency: 'USD', ownerId: bob.userId }))).code).toBe('forbidden');
    expect((await errorOf(() => createAccount(admin, { currency: 'USD', ownerId: 'nobody' }))).code).toBe('user_not_found');
    const forBob = await createAccount(admin, { currency: 'USD', ownerId: bob.userId });
    expect(forBob.ownerId).toBe(bob.userId);
    expect((await getAccount(bob, forBob.id)).id).toBe(forBob.id);
  });

  it("hides another user's accounts, balances, statements and transactions as not found", async () => {
    const bank = await newBank();
    const alice = newCaller();
    const mallory = newCaller();
    const account = await createAccount(alice, { currency: 'USD' });
    const { transaction } = await bank.fund(account, 100);

    expect((await errorOf(() => getAccount(mallory, account.id))).code).toBe('account_not_found');
    expect((await errorOf(() => getBalance(mallory, account.id))).code).toBe('account_not_found');
    expect((await errorOf(() => listAccountTransactions(mallory, account.id, { limit: 20 }))).code).toBe('account_not_found');
    expect((await errorOf(() => getTransaction(mallory, transaction.id))).code).toBe('transaction_not_found');
    expect((await getTransaction(alice, transaction.id)).id).toBe(transaction.id);
    expect((await getTransaction(newCaller('admin'), transaction.id)).id).toBe(transaction.id);
  });

  it("pages through the caller's accounts, and lets an admin list another owner's", async () => {
    const alice = await newUser();
    const opened = [];
    for (const code of ['USD', 'EUR', 'GBP', 'JPY', 'CHF'] as const) opened.push(await createAccount(alice, { currency: code }));

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listAccounts(alice, { limit: 2, cursor });
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((a) => a.id));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);

    expect(seen).toEqual(opened.map((a) => a.id));
    expect((await errorOf(() => listAccounts(newCaller(), { limit: 20, ownerId: alice.userId }))).code).toBe('forbidden');
    expect((await listAccounts(newCaller('admin'), { limit: 20, ownerId: alice.userId })).data).toHaveLength(5);
  });

  it('visits every transaction of a statement exactly once, newest first, while transfers keep landing', async () => {
    const bank = await newBank();
    const alice = newCaller();
    const account = await createAccount(alice, { currency: 'USD' });
    const sink = await createAccount(newCaller(), { currency: 'USD' });
    await bank.fund(account, 1_000_000);
    for (let i = 1; i <= 9; i += 1) {
      await transfer(alice, { fromAccountId: account.id, toAccountId: sink.id, amount: i, currency: 'USD' });
    }
    const before = (await listAccountTransactions(alice, account.id, { limit: 100 })).data.map((t) => t.id);

    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listAccountTransactions(alice, account.id, { limit: 3, cursor });
      seen.push(...page.data.map((t) => t.id));
      cursor = page.nextCursor ?? undefined;
      await transfer(alice, { fromAccountId: account.id, toAccountId: sink.id, amount: 100, currency: 'USD' });
    } while (cursor);

    expect(before).toHaveLength(10);
    expect(seen).toEqual(before);
    const balances = (await listAccountTransactions(alice, account.id, { limit: 100 })).data
      .map((t) => t.entries.find((e) => e.accountId === account.id)!.balanceAfter);
    expect(balances[0]).toBe((await getBalance(alice, account.id)).balance);
  });
});
