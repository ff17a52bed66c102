import { createAccount, getBalance } from '../../lib/ledger/accounts';
import { transfer } from '../../lib/ledger/transfers';
import { listAccountTransactions } from '../../lib/ledger/transactions';
import { errorOf, idempotencyRecordExists, newBank, newCaller, newUser, partition } from '../support/ledger-fixtures';

describe('transfers against DynamoDB Local', () => {
  it('posts a balanced double entry and moves both balances', async () => {
    const bank = await newBank();
    const alice = newCaller();
    const bob = newCaller();
    const a = await createAccount(alice, { currency: 'USD' });
    const b = await createAccount(bob, { currency: 'USD' });
    await bank.fund(a, 10_000);

    const { transaction, replayed } = await transfer(alice, {
      fromAccountId: a.id, toAccountId: b.id, amount: 2_500, currency: 'USD', description: 'lunch',
    });

    expect(replayed).toBe(false);
    expect(transaction).toMatchObject({ status: 'posted', amount: 2_500, currency: 'USD', description: 'lunch' });
    expect(transaction.entries).toEqual([
      { accountId: a.id, direction: 'debit', amount: 2_500, currency: 'USD', balanceAfter: 7_500 },
      { accountId: b.id, direction: 'credit', amount: 2_500, currency: 'USD', balanceAfter: null },
    ]);
    expect((await getBalance(alice, a.id)).balance).toBe(7_500);
    expect((await getBalance(bob, b.id)).balance).toBe(2_500);
    expect((await getBalance(bank.admin, bank.system.id)).balance).toBe(-10_000);
  });

  describe('each rejection moves nothing', () => {
    const cases: Array<[string, string, (ctx: Awaited<ReturnType<typeof setup>>) => Promise<unknown>]> = [
      ['insufficient funds', 'insufficient_funds', ({ alice, a, b }) =>
        transfer(alice, { fromAccountId: a.id, toAccountId: b.id, amount: 1_001, currency: 'USD' }, 'k-insufficient')],
      ['a currency that differs from the accounts', 'currency_mismatch', ({ alice, a, b }) =>
        transfer(alice, { fromAccountId: a.id, toAccountId: b.id, amount: 1, currency: 'EUR' }, 'k-currency')],
      ['a destination in another currency', 'currency_mismatch', ({ alice, a, eur }) =>
        transfer(alice, { fromAccountId: a.id, toAccountId: eur.id, amount: 1, currency: 'USD' }, 'k-dest')],
      ['the same account on both sides', 'same_account', ({ alice, a }) =>
        transfer(alice, { fromAccountId: a.id, toAccountId: a.id, amount: 1, currency: 'USD' }, 'k-same')],
      ["another user's source account", 'account_not_found', ({ alice, b, a }) =>
        transfer(alice, { fromAccountId: b.id, toAccountId: a.id, amount: 1, currency: 'USD' }, 'k-theirs')],
      ['a missing destination', 'account_not_found', ({ alice, a }) =>
        transfer(alice, { fromAccountId: a.id, toAccountId: 'no-such-account', amount: 1, currency: 'USD' }, 'k-missing')],
      ['a non-admin moving money out of a system account', 'forbidden', ({ alice, alicesSystem, a }) =>
        transfer(alice, { fromAccountId: alicesSystem.id, toAccountId: a.id, amount: 1, currency: 'USD' }, 'k-system')],
    ];

    async function setup() {
      const bank = await newBank();
      const alice = await newUser();
      const bob = newCaller();
      const a = await createAccount(alice, { currency: 'USD' });
      const b = await createAccount(bob, { currency: 'USD' });
      const eur = await createAccount(bob, { currency: 'EUR' });
      // An admin may open a system account for a user; the user still may not draw on it.
      const alicesSystem = await createAccount(bank.admin, { currency: 'USD', type: 'system', ownerId: alice.userId });
      await bank.fund(a, 1_000);
      return { bank, alice, bob, a, b, eur, alicesSystem };
    }

    it.each(cases)('%s → %s', async (_name, code, attempt) => {
      const ctx = await setup();
      const accounts = [ctx.a, ctx.b, ctx.eur, ctx.alicesSystem];
      const before = await Promise.all(accounts.map((account) => partition(account.id)));

      const error = await errorOf(() => attempt(ctx));

      expect(error.code).toBe(code);
      expect(await Promise.all(accounts.map((account) => partition(account.id)))).toEqual(before);
      // A refusal by the rules (422) binds its key and moves nothing; a 403 or 404 binds nothing.
      const keys = ['k-insufficient', 'k-currency', 'k-dest', 'k-same', 'k-theirs', 'k-missing', 'k-system'];
      const bound = await Promise.all(keys.map((key) => idempotencyRecordExists(ctx.alice.userId, key)));
      expect(bound.filter(Boolean)).toHaveLength(error.status === 422 ? 1 : 0);
    });
  });

  it('of 20 concurrent transfers of 1000 against 7500, posts exactly 7 and leaves 500', async () => {
    const bank = await newBank();
    const alice = newCaller();
    const bob = newCaller();
    const a = await createAccount(alice, { currency: 'USD' });
    const b = await createAccount(bob, { currency: 'USD' });
    await bank.fund(a, 7_500);

    const results = await Promise.allSettled(Array.from({ length: 20 }, () =>
      transfer(alice, { fromAccountId: a.id, toAccountId: b.id, amount: 1_000, currency: 'USD' })));

    const posted = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code);
    expect(posted).toHaveLength(7);
    expect(refused).toEqual(Array(13).fill('insufficient_funds'));
    expect((await getBalance(alice, a.id)).balance).toBe(500);
    expect((await getBalance(bob, b.id)).balance).toBe(7_000);
    // Each posting saw the balance the previous one left: the debits' balances after are exactly 6500 … 500.
    const debitsAfter = posted.map((r) => (r as PromiseFulfilledResult<Awaited<ReturnType<typeof transfer>>>)
      .value.transaction.entries[0]!.balanceAfter!).sort((x, y) => y - x);
    expect(debitsAfter).toEqual([6_500, 5_500, 4_500, 3_500, 2_500, 1_500, 500]);
  });

  it('posts concurrent duplicates of one idempotency key once, and every duplicate gets the same transaction', async () => {
    const bank = await newBank();
    const alice = newCaller();
    const a = await createAccount(alice, { currency: 'USD' });
    const b = await createAccount(newCaller(), { currency: 'USD' });
    await bank.fund(a, 5_000);
    const body = { fromAccountId: a.id, toAccountId: b.id, amount: 1_200, currency: 'USD' as const };

    const results = await Promise.all(Array.from({ length: 10 }, () => transfer(alice, body, 'order-42')));

    expect(new Set(results.map((r) => r.transaction.id)).size).toBe(1);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect((await getBalance(alice, a.id)).balance).toBe(3_800);
    expect((await listAccountTransactions(alice, a.id, { limit: 100 })).data).toHaveLength(2);
  });

  it('replays a repeated key, refuses it with another body, and scopes keys to the caller', async () => {
    const bank = await newBank();
    const alice = newCaller();
    const carol = newCaller();
    const a = await createAccount(alice, { currency: 'USD' });
    const c = await createAccount(carol, { currency: 'USD' });
    const b = await createAccount(newCaller(), { currency: 'USD' });
    await bank.fund(a, 1_000);
    await bank.fund(c, 1_000);

    const first = await transfer(alice, { fromAccountId: a.id, toAccountId: b.id, amount: 100, currency: 'USD' }, 'same-key');
    const again = await transfer(alice, { currency: 'USD', amount: 100, toAccountId: b.id, fromAccountId: a.id }, 'same-key');
    const reused = await errorOf(() =>
      transfer(alice, { fromAccountId: a.id, toAccountId: b.id, amount: 101, currency: 'USD' }, 'same-key'));
    const carols = await transfer(carol, { fromAccountId: c.id, toAccountId: b.id, amount: 100, currency: 'USD' }, 'same-key');

    expect(again).toEqual({ transaction: first.transaction, replayed: true });
    expect(reused.code).toBe('idempotency_key_reused');
    expect(carols.replayed).toBe(false);
    expect(carols.transaction.id).not.toBe(first.transaction.id);
    expect((await getBalance(bank.admin, b.id)).balance).toBe(200);
  });

  it('binds a refusal to its key: a retry replays the refusal even once the transfer could succeed', async () => {
    const bank = await newBank();
    const alice = newCaller();
    const a = await createAccount(alice, { currency: 'USD' });
    const b = await createAccount(newCaller(), { currency: 'USD' });
    const body = { fromAccountId: a.id, toAccountId: b.id, amount: 300, currency: 'USD' as const };

    const first = await errorOf(() => transfer(alice, body, 'retry-me'));
    expect(first.code).toBe('insufficient_funds');
    await bank.fund(a, 300);
    const again = await errorOf(() => transfer(alice, body, 'retry-me'));

    expect(again).toMatchObject({ code: 'insufficient_funds', status: 422, headers: { 'idempotent-replayed': 'true' } });
    expect((await errorOf(() => transfer(alice, { ...body, amount: 1 }, 'retry-me'))).code).toBe('idempotency_key_reused');
    expect((await transfer(alice, body, 'a-new-key')).replayed).toBe(false);
    expect((await getBalance(alice, a.id)).balance).toBe(0);
  });

  it('refuses a transfer that would take a balance past 2^53 − 1, writing nothing', async () => {
    const bank = await newBank();
    const alice = newCaller();
    const a = await createAccount(alice, { currency: 'USD' });
    await bank.fund(a, Number.MAX_SAFE_INTEGER);
    const before = await partition(a.id);

    const error = await errorOf(() => bank.fund(a, 1));

    expect(error.code).toBe('balance_limit_exceeded');
    expect(await partition(a.id)).toEqual(before);
  });
});
