import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../../lib/config';
import type { CurrencyCode } from '../../lib/ledger/currencies';
import { changeAccountStatus as changeStatus } from '../../lib/ledger/account-changes';
import { createAccount, getBalance } from '../../lib/ledger/accounts';
import { reconcileAccounts } from '../../lib/ledger/reconcile';
import { reverseTransaction } from '../../lib/ledger/reversals';
import { getTransaction } from '../../lib/ledger/transaction-read';
import { listAccountTransactions } from '../../lib/ledger/transactions';
import { postTransaction, transfer } from '../../lib/ledger/transfers';
import { db } from '../../lib/storage/client';
import { keys } from '../../lib/storage/keys';
import { errorOf, idempotencyRecordExists, newBank, newCaller, newCheckout, partition } from '../support/ledger-fixtures';

/** A payer with `funds`, a merchant, and the platform's fee and tax accounts (system accounts an admin owns). */
async function marketplace(funds = 10_000) {
  const checkout = await newCheckout(funds);
  const fees = await createAccount(checkout.bank.admin, { currency: 'USD', type: 'system', name: 'Fees' });
  const tax = await createAccount(checkout.bank.admin, { currency: 'USD', type: 'system', name: 'Tax' });
  return { ...checkout, fees, tax };
}

const debit = (accountId: string, amount: number, currency: CurrencyCode = 'USD') => ({ accountId, direction: 'debit' as const, amount, currency });
const credit = (accountId: string, amount: number, currency: CurrencyCode = 'USD') => ({ accountId, direction: 'credit' as const, amount, currency });

describe('multi-entry transactions against DynamoDB Local', () => {
  it('posts a marketplace split in one write, readable by id and in every touched statement', async () => {
    const { bank, payer, merchant, wallet, shop, fees, tax } = await marketplace();
    const { transaction } = await postTransaction(payer, {
      entries: [debit(wallet.id, 1_000), credit(shop.id, 850), credit(fees.id, 100), credit(tax.id, 50)],
      description: 'order 1042',
      metadata: { orderId: '1042' },
    }, 'split-1');

    expect(transaction).toMatchObject({
      type: 'transaction', status: 'posted', amount: null, currency: null, fromAccountId: null, toAccountId: null,
      description: 'order 1042', metadata: { orderId: '1042' }, reverses: null, reversedAmount: 0, reversalIds: [],
    });
    expect(transaction.entries.map((e) => [e.accountId, e.direction, e.amount, e.balanceAfter])).toEqual([
      [wallet.id, 'debit', 1_000, 9_000], [shop.id, 'credit', 850, null], [fees.id, 'credit', 100, null], [tax.id, 'credit', 50, null],
    ]);
    expect((await getBalance(payer, wallet.id)).balance).toBe(9_000);
    expect((await getBalance(merchant, shop.id)).balance).toBe(850);
    expect((await getBalance(bank.admin, fees.id)).balance).toBe(100);
    expect((await getBalance(bank.admin, tax.id)).balance).toBe(50);
    // The merchant sees it (it owns an entry's account) with its own balance only; a stranger does not.
    const seen = await getTransaction(merchant, transaction.id);
    expect(seen.entries.map((e) => e.balanceAfter)).toEqual([null, 850, null, null]);
    expect(await errorOf(() => getTransaction(newCaller(), transaction.id))).toMatchObject({ code: 'transaction_not_found' });
    for (const [caller, account] of [[payer, wallet], [merchant, shop], [bank.admin, fees], [bank.admin, tax]] as const) {
      const statement = await listAccountTransactions(caller, account.id, { limit: 5 });
      expect(statement.data[0]!.id).toBe(transaction.id);
    }
  });

  it('converts currencies through liquidity accounts: four entries, each currency balanced on its own', async () => {
    const bank = await newBank();
    const eurBank = await newBank('EUR');
    const ada = newCaller();
    const usd = await createAccount(ada, { currency: 'USD' });
    const eur = await createAccount(ada, { currency: 'EUR' });
    const liquidityUsd = await createAccount(bank.admin, { currency: 'USD', type: 'system' });
    const liquidityEur = await createAccount(bank.admin, { currency: 'EUR', type: 'system' });
    await bank.fund(usd, 5_000);
    await eurBank.fund(liquidityEur, 100_000);
    const { transaction } = await postTransaction(bank.admin, {
      entries: [debit(usd.id, 1_100), credit(liquidityUsd.id, 1_100), debit(liquidityEur.id, 1_000, 'EUR'), credit(eur.id, 1_000, 'EUR')],
    }, 'fx-1');
    expect(transaction.entries.map((e) => e.currency)).toEqual(['USD', 'USD', 'EUR', 'EUR']);
    expect((await getBalance(ada, usd.id)).balance).toBe(3_900);
    expect((await getBalance(ada, eur.id)).balance).toBe(1_000);
  });

  describe('each rejection writes nothing', () => {
    const cases: Array<[string, string, (ctx: Awaited<ReturnType<typeof marketplace>>) => Promise<unknown>]> = [
      ['debits and credits that differ', 'unbalanced_transaction', ({ payer, wallet, shop, fees }) =>
        postTransaction(payer, { entries: [debit(wallet.id, 100), credit(shop.id, 90), credit(fees.id, 9)] }, 'r-unbalanced')],
      ['a currency that balances in total but not on its own', 'unbalanced_transaction', ({ payer, wallet, shop }) =>
        postTransaction(payer, { entries: [debit(wallet.id, 100), credit(shop.id, 100, 'EUR')] }, 'r-fx')],
      ['an entry in another currency than its account', 'currency_mismatch', ({ payer, wallet, shop }) =>
        postTransaction(payer, { entries: [debit(wallet.id, 100, 'EUR'), credit(shop.id, 100, 'EUR')] }, 'r-currency')],
      ['more than the payer holds', 'insufficient_funds', ({ payer, wallet, shop, fees }) =>
        postTransaction(payer, { entries: [debit(wallet.id, 10_001), credit(shop.id, 9_000), credit(fees.id, 1_001)] }, 'r-funds')],
      ["a debit of someone else's account", 'account_not_found', ({ payer, wallet, shop, fees }) =>
        postTransaction(payer, { entries: [debit(wallet.id, 10), debit(shop.id, 10), credit(fees.id, 20)] }, 'r-theirs')],
      ['a debit of a system account by a user', 'account_not_found', ({ payer, fees, shop }) =>
        postTransaction(payer, { entries: [debit(fees.id, 10), credit(shop.id, 10)] }, 'r-system')],
      ['a credit of a missing account', 'account_not_found', ({ payer, wallet }) =>
        postTransaction(payer, { entries: [debit(wallet.id, 10), credit('no-such-account', 10)] }, 'r-missing')],
    ];

    it.each(cases)('%s → %s', async (_name, code, act) => {
      const ctx = await marketplace();
      const before = await Promise.all([ctx.wallet, ctx.shop, ctx.fees].map((account) => partition(account.id)));
      expect(await errorOf(() => act(ctx))).toMatchObject({ code });
      expect(await Promise.all([ctx.wallet, ctx.shop, ctx.fees].map((account) => partition(account.id)))).toEqual(before);
    });

    it('binds a 422 to its key, and a 404 binds nothing', async () => {
      const { payer, wallet, shop, fees } = await marketplace();
      await errorOf(() => postTransaction(payer, { entries: [debit(wallet.id, 100), credit(shop.id, 99)] }, 'bind-422'));
      expect(await idempotencyRecordExists(payer.userId, 'bind-422')).toBe(true);
      await errorOf(() => postTransaction(payer, { entries: [debit(fees.id, 1), credit(shop.id, 1)] }, 'bind-404'));
      expect(await idempotencyRecordExists(payer.userId, 'bind-404')).toBe(false);
    });
  });

  it('refuses a debit of a frozen account and any entry of a closed one, in a transaction and in a reversal', async () => {
    const { bank, payer, merchant, wallet, shop, fees } = await marketplace();
    const paid = (await transfer(payer, { fromAccountId: wallet.id, toAccountId: shop.id, amount: 500, currency: 'USD' }, 'pay')).transaction;
    await changeStatus(bank.admin, shop.id, 'freeze');
    // A frozen account still takes credits, but its refund (a debit of it) is refused.
    await postTransaction(payer, { entries: [debit(wallet.id, 30), credit(shop.id, 20), credit(fees.id, 10)] }, 'credit-frozen');
    expect(await errorOf(() => reverseTransaction(merchant, paid.id, { amount: 100 }, 'refund-frozen'))).toMatchObject({ code: 'account_frozen' });
    await changeStatus(bank.admin, shop.id, 'unfreeze');
    const payout = await createAccount(merchant, { currency: 'USD' });
    await transfer(merchant, { fromAccountId: shop.id, toAccountId: payout.id, amount: 520, currency: 'USD' }, 'drain');
    await changeStatus(merchant, shop.id, 'close');
    expect(await errorOf(() => postTransaction(payer, { entries: [debit(wallet.id, 30), credit(shop.id, 20), credit(fees.id, 10)] }, 'credit-closed')))
      .toMatchObject({ code: 'account_closed' });
    expect((await getBalance(payer, wallet.id)).balance).toBe(9_470);
  });

  it('replays a retry under its key, and refuses the key with another body', async () => {
    const { payer, wallet, shop, fees } = await marketplace();
    const body = { entries: [debit(wallet.id, 300), credit(shop.id, 270), credit(fees.id, 30)], metadata: { a: '1', b: '2' } };
    const first = await postTransaction(payer, body, 'replay-1');
    const again = await postTransaction(payer, { ...body, metadata: { b: '2', a: '1' } }, 'replay-1');
    expect(again).toEqual({ transaction: first.transaction, replayed: true });
    expect(await errorOf(() => postTransaction(payer, { ...body, description: 'other' }, 'replay-1')))
      .toMatchObject({ code: 'idempotency_key_reused' });
    // A transfer under the same key is another request.
    expect(await errorOf(() => transfer(payer, { fromAccountId: wallet.id, toAccountId: shop.id, amount: 300, currency: 'USD' }, 'replay-1')))
      .toMatchObject({ code: 'idempotency_key_reused' });
    expect((await getBalance(payer, wallet.id)).balance).toBe(9_700);
  });

  it('posts 20 entries with full metadata in one write', async () => {
    const bank = await newBank();
    const payees = await Promise.all(Array.from({ length: 19 }, () => createAccount(newCaller(), { currency: 'USD' })));
    const metadata = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`key-${String(i).padStart(2, '0')}`.padEnd(40, 'x'), 'v'.repeat(500)]));
    const { transaction } = await postTransaction(bank.admin, {
      entries: [debit(bank.system.id, 19 * 7), ...payees.map((payee) => credit(payee.id, 7))],
      description: 'd'.repeat(280),
      metadata,
    }, 'twenty');
    expect(transaction.entries).toHaveLength(20);
    expect(Object.keys((await getTransaction(bank.admin, transaction.id)).metadata)).toHaveLength(20);
  });
});

describe('reversals against DynamoDB Local', () => {
  it('refunds part of a payment, then the rest, and no more', async () => {
    const { payer, merchant, wallet, shop } = await marketplace(1_000);
    const paid = (await transfer(payer, { fromAccountId: wallet.id, toAccountId: shop.id, amount: 600, currency: 'USD' }, 'pay')).transaction;

    const part = (await reverseTransaction(merchant, paid.id, { amount: 250, description: 'damaged item' }, 'refund-1')).transaction;
    expect(part).toMatchObject({ type: 'reversal', reverses: paid.id, amount: 250, fromAccountId: shop.id, toAccountId: wallet.id });
    expect((await getBalance(payer, wallet.id)).balance).toBe(650);
    expect(await getTransaction(payer, paid.id)).toMatchObject({ reversedAmount: 250, reversalIds: [part.id] });

    expect(await errorOf(() => reverseTransaction(merchant, paid.id, { amount: 351 }, 'refund-2')))
      .toMatchObject({ code: 'reversal_exceeds_original' });
    const rest = (await reverseTransaction(merchant, paid.id, {}, 'refund-3')).transaction;
    expect(rest.amount).toBe(350);
    expect(await getTransaction(merchant, paid.id)).toMatchObject({ reversedAmount: 600, reversalIds: [part.id, rest.id] });
    expect(await errorOf(() => reverseTransaction(merchant, paid.id, {}, 'refund-4'))).toMatchObject({ code: 'reversal_exceeds_original' });
    expect(await errorOf(() => reverseTransaction(merchant, rest.id, {}, 'refund-5'))).toMatchObject({ code: 'not_reversible' });
    expect((await getBalance(payer, wallet.id)).balance).toBe(1_000);
    expect((await getBalance(merchant, shop.id)).balance).toBe(0);
    // A retry of the first refund replays it, though what remains of the payment has changed since.
    expect(await reverseTransaction(merchant, paid.id, { amount: 250, description: 'damaged item' }, 'refund-1'))
      .toEqual({ transaction: part, replayed: true });
  });

  it('never lets reversals sent at once add up to more than the original', async () => {
    const { bank, payer, merchant, wallet, shop } = await marketplace(1_000);
    await transfer(payer, { fromAccountId: wallet.id, toAccountId: shop.id, amount: 1_000, currency: 'USD' }, 'pay');
    // The merchant holds more than it was paid, so only the guard on the payment can refuse a refund.
    await bank.fund(shop, 5_000);
    const paid = (await listAccountTransactions(payer, wallet.id, { limit: 1 })).data[0]!;
    const outcomes = await Promise.allSettled(Array.from({ length: 12 }, (_, i) =>
      reverseTransaction(merchant, paid.id, { amount: 100 }, `race-${i}`)));
    const posted = outcomes.filter((outcome) => outcome.status === 'fulfilled');
    expect(posted).toHaveLength(10);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ code: 'reversal_exceeds_original' });
    }
    const item = await db.send(new GetCommand({ TableName: config.tableName, Key: keys.transaction(paid.id), ConsistentRead: true }));
    expect(item.Item).toMatchObject({ reversedAmount: 1_000 });
    expect(item.Item!.reversalIds).toHaveLength(10);
    expect((await getBalance(payer, wallet.id)).balance).toBe(1_000);
    expect((await getBalance(merchant, shop.id)).balance).toBe(5_000);
    expect((await reconcileAccounts([bank.system.id, wallet.id, shop.id])).violations).toEqual([]);
  });

  it('refuses reversals sent at once without keys (a script) past the original alike, with nothing to bind', async () => {
    const { bank, payer, merchant, wallet, shop } = await marketplace(1_000);
    const paid = (await transfer(payer, { fromAccountId: wallet.id, toAccountId: shop.id, amount: 1_000, currency: 'USD' }, 'pay')).transaction;
    await bank.fund(shop, 5_000);
    const outcomes = await Promise.allSettled(Array.from({ length: 12 }, () => reverseTransaction(merchant, paid.id, { amount: 100 })));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(10);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ status: 422, code: 'reversal_exceeds_original' });
    }
    expect((await getTransaction(merchant, paid.id)).reversedAmount).toBe(1_000);
  });

  it('reverses a split in full only, and only for one who owns every account the reversal debits', async () => {
    const { bank, payer, merchant, wallet, shop, fees } = await marketplace();
    const split = (await postTransaction(payer, { entries: [debit(wallet.id, 1_000), credit(shop.id, 900), credit(fees.id, 100)] }, 's')).transaction;
    expect(await errorOf(() => reverseTransaction(bank.admin, split.id, { amount: 10 }, 'partial')))
      .toMatchObject({ code: 'partial_reversal_unsupported' });
    // The merchant does not own the fee account; the payer owns none of the credited accounts.
    expect(await errorOf(() => reverseTransaction(merchant, split.id, {}, 'm'))).toMatchObject({ code: 'forbidden' });
    expect(await errorOf(() => reverseTransaction(payer, split.id, {}, 'p'))).toMatchObject({ code: 'forbidden' });
    expect(await errorOf(() => reverseTransaction(newCaller(), split.id, {}, 'x'))).toMatchObject({ code: 'transaction_not_found' });
    const reversal = (await reverseTransaction(bank.admin, split.id, {}, 'full')).transaction;
    expect(reversal.entries.map((e) => [e.accountId, e.direction, e.amount])).toEqual([
      [wallet.id, 'credit', 1_000], [shop.id, 'debit', 900], [fees.id, 'debit', 100],
    ]);
    expect((await getTransaction(bank.admin, split.id)).reversedAmount).toBe(1_000);
    expect((await getBalance(payer, wallet.id)).balance).toBe(10_000);
    expect((await reconcileAccounts([bank.system.id, wallet.id, shop.id, fees.id])).violations).toEqual([]);
  });

  it('refuses a refund the merchant can no longer pay, and binds the refusal to its key', async () => {
    const { payer, merchant, wallet, shop } = await marketplace(1_000);
    const paid = (await transfer(payer, { fromAccountId: wallet.id, toAccountId: shop.id, amount: 500, currency: 'USD' }, 'pay')).transaction;
    await transfer(merchant, { fromAccountId: shop.id, toAccountId: wallet.id, amount: 400, currency: 'USD' }, 'payout');
    expect(await errorOf(() => reverseTransaction(merchant, paid.id, {}, 'refund'))).toMatchObject({ code: 'insufficient_funds' });
    expect(await idempotencyRecordExists(merchant.userId, 'refund')).toBe(true);
    expect((await getTransaction(merchant, paid.id)).reversedAmount).toBe(0);
  });
});
