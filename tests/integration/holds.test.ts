import { createAccount, getBalance } from '../../lib/ledger/accounts';
import { expireHolds } from '../../lib/ledger/hold-expiry';
import { findVisibleHold } from '../../lib/ledger/hold-read';
import { captureHold, placeHold, voidHold } from '../../lib/ledger/holds';
import { reconcileAccounts } from '../../lib/ledger/reconcile';
import { reverseTransaction } from '../../lib/ledger/reversals';
import { transfer } from '../../lib/ledger/transfers';
import { findAccount } from '../../lib/storage/accounts';
import { findHold } from '../../lib/storage/holds';
import { errorOf, newBank, newCaller, newCheckout, newUser } from '../support/ledger-fixtures';

const holdOf = (from: { id: string }, to: { id: string }, amount: number, extra: { expiresInSeconds?: number } = {}) => ({
  fromAccountId: from.id, toAccountId: to.id, amount, currency: 'USD' as const, ...extra,
});

async function balances(caller: Parameters<typeof getBalance>[0], accountId: string) {
  const { balance, pending, available } = await getBalance(caller, accountId);
  return { balance, pending, available };
}

describe('holds against DynamoDB Local', () => {
  it('reserves funds, then captures part: the rest is released and the capture is a transaction with the hold id', async () => {
    const { bank, payer, merchant, wallet, shop } = await newCheckout(10_000);
    const { hold } = await placeHold(payer, { ...holdOf(wallet, shop, 3_000), description: 'hotel', metadata: { room: '12' } }, 'h-1');
    expect(hold).toMatchObject({ status: 'pending', amount: 3_000, capturedAmount: 0, currency: 'USD', description: 'hotel' });
    expect(Date.parse(hold.expiresAt) - Date.parse(hold.createdAt)).toBe(604_800_000);
    expect(await balances(payer, wallet.id)).toEqual({ balance: 10_000, pending: 3_000, available: 7_000 });

    const { transaction } = await captureHold(payer, hold.id, { amount: 2_400 }, 'c-1');
    expect(transaction).toMatchObject({ type: 'capture', holdId: hold.id, amount: 2_400, fromAccountId: wallet.id, toAccountId: shop.id, description: 'hotel' });
    expect(await balances(payer, wallet.id)).toEqual({ balance: 7_600, pending: 0, available: 7_600 });
    expect((await getBalance(merchant, shop.id)).balance).toBe(2_400);
    expect(await findHold(hold.id)).toMatchObject({ status: 'captured', capturedAmount: 2_400, transactionId: transaction.id });
    // Captured once: a second capture, or a void, is refused.
    expect(await errorOf(() => captureHold(payer, hold.id, { amount: 100 }, 'c-2'))).toMatchObject({ code: 'hold_not_pending' });
    expect(await errorOf(() => voidHold(payer, hold.id))).toMatchObject({ code: 'hold_not_pending' });
    // A capture is a transaction like any: it can be refunded.
    await reverseTransaction(merchant, transaction.id, { amount: 400 }, 'r-1');
    expect((await reconcileAccounts([bank.system.id, wallet.id, shop.id])).violations).toEqual([]);
  });

  it('refuses a hold, a transfer or a capture that the available balance cannot cover', async () => {
    const { payer, wallet, shop } = await newCheckout(1_000);
    await placeHold(payer, holdOf(wallet, shop, 800), 'h-a');
    expect(await errorOf(() => placeHold(payer, holdOf(wallet, shop, 300), 'h-b'))).toMatchObject({ code: 'insufficient_funds' });
    expect(await errorOf(() => transfer(payer, { fromAccountId: wallet.id, toAccountId: shop.id, amount: 300, currency: 'USD' }, 't-a')))
      .toMatchObject({ code: 'insufficient_funds' });
    await transfer(payer, { fromAccountId: wallet.id, toAccountId: shop.id, amount: 200, currency: 'USD' }, 't-b');
    expect(await balances(payer, wallet.id)).toEqual({ balance: 800, pending: 800, available: 0 });
  });

  it('never lets a refused hold be captured (blnk#182), and refuses more than held', async () => {
    const { payer, wallet, shop } = await newCheckout(1_000);
    expect(await errorOf(() => placeHold(payer, holdOf(wallet, shop, 5_000), 'big'))).toMatchObject({ code: 'insufficient_funds' });
    const { hold } = await placeHold(payer, holdOf(wallet, shop, 500), 'small');
    expect(await errorOf(() => captureHold(payer, hold.id, { amount: 501 }, 'over'))).toMatchObject({ code: 'capture_exceeds_hold' });
    expect(await balances(payer, wallet.id)).toEqual({ balance: 1_000, pending: 500, available: 500 });
  });

  it('voids once (blnk#41): the second void is refused and the funds are released exactly once', async () => {
    const { payer, wallet, shop } = await newCheckout(1_000);
    const { hold } = await placeHold(payer, holdOf(wallet, shop, 600), 'v-1');
    expect(await voidHold(payer, hold.id)).toMatchObject({ status: 'voided', capturedAmount: 0 });
    expect(await errorOf(() => voidHold(payer, hold.id))).toMatchObject({ code: 'hold_not_pending' });
    expect(await balances(payer, wallet.id)).toEqual({ balance: 1_000, pending: 0, available: 1_000 });
  });

  it('places exactly 7 of 20 concurrent holds of 1,000 against 7,500 available', async () => {
    const { payer, wallet, shop } = await newCheckout(7_500);
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => placeHold(payer, holdOf(wallet, shop, 1_000), `c-${i}`)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(7);
    for (const o of outcomes) if (o.status === 'rejected') expect(o.reason).toMatchObject({ code: 'insufficient_funds' });
    expect(await balances(payer, wallet.id)).toEqual({ balance: 7_500, pending: 7_000, available: 500 });
  });

  it('lets exactly one of a capture, a void and an expiry racing each other win', async () => {
    const accountIds: string[] = [];
    for (let round = 0; round < 5; round += 1) {
      const { bank, payer, merchant, wallet, shop } = await newCheckout(1_000);
      accountIds.push(bank.system.id, wallet.id, shop.id);
      const { hold } = await placeHold(payer, holdOf(wallet, shop, 700, { expiresInSeconds: 1 }), `race-${round}`);
      // Just at its expiry: the capture and the void may still win, or the sweep.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, Date.parse(hold.expiresAt) - Date.now() - 5)));
      const results = await Promise.allSettled([
        captureHold(payer, hold.id, {}, `race-c-${round}`), voidHold(payer, hold.id), expireHolds(Date.parse(hold.expiresAt)),
      ]);
      const stored = (await findHold(hold.id))!;
      const wins = [results[0].status === 'fulfilled', results[1].status === 'fulfilled', stored.status === 'expired'].filter(Boolean);
      expect(wins).toHaveLength(1);
      const captured = stored.status === 'captured' ? 700 : 0;
      expect(await balances(payer, wallet.id)).toEqual({ balance: 1_000 - captured, pending: 0, available: 1_000 - captured });
      expect((await getBalance(merchant, shop.id)).balance).toBe(captured);
    }
    expect((await reconcileAccounts(accountIds)).violations).toEqual([]);
  });

  it('expires a hold: never captured after expiresAt, its funds released by the sweep, and it reads expired', async () => {
    const { payer, wallet, shop } = await newCheckout(1_000);
    const { hold } = await placeHold(payer, holdOf(wallet, shop, 400, { expiresInSeconds: 1 }), 'e-1');
    await new Promise((resolve) => setTimeout(resolve, Date.parse(hold.expiresAt) - Date.now() + 10));
    expect(await errorOf(() => captureHold(payer, hold.id, {}, 'e-c'))).toMatchObject({ code: 'hold_expired' });
    expect(await errorOf(() => voidHold(payer, hold.id))).toMatchObject({ code: 'hold_expired' });
    const swept = await expireHolds();
    expect(swept.expired).toBeGreaterThanOrEqual(1);
    expect(await findVisibleHold(payer, hold.id)).toMatchObject({ status: 'expired', capturedAmount: 0 });
    expect(await balances(payer, wallet.id)).toEqual({ balance: 1_000, pending: 0, available: 1_000 });
  });

  it('replays a capture retried with its key after it posted, once', async () => {
    const { payer, wallet, shop } = await newCheckout(1_000);
    const { hold } = await placeHold(payer, holdOf(wallet, shop, 500), 'k-h');
    const first = await captureHold(payer, hold.id, { amount: 300 }, 'k-c');
    const again = await captureHold(payer, hold.id, { amount: 300 }, 'k-c');
    expect(again).toEqual({ transaction: first.transaction, replayed: true });
    const placedAgain = await placeHold(payer, holdOf(wallet, shop, 500), 'k-h');
    expect(placedAgain).toMatchObject({ replayed: true, hold: { id: hold.id, status: 'pending' } });
    expect(await balances(payer, wallet.id)).toEqual({ balance: 700, pending: 0, available: 700 });
  });

  it('answers who may see, capture and void a hold', async () => {
    const { bank, payer, merchant, wallet, shop } = await newCheckout(1_000);
    const { hold } = await placeHold(payer, holdOf(wallet, shop, 100), 'w-1');
    expect(await findVisibleHold(merchant, hold.id)).toMatchObject({ id: hold.id });
    expect(await errorOf(() => findVisibleHold(newCaller(), hold.id))).toMatchObject({ code: 'hold_not_found' });
    expect(await errorOf(() => captureHold(merchant, hold.id, {}, 'm-c'))).toMatchObject({ code: 'forbidden' });
    expect(await errorOf(() => placeHold(merchant, holdOf(wallet, shop, 10), 'm-h'))).toMatchObject({ code: 'account_not_found' });
    expect(await errorOf(() => placeHold(payer, holdOf(wallet, wallet, 10), 's-h'))).toMatchObject({ code: 'same_account' });
    expect(await voidHold(bank.admin, hold.id)).toMatchObject({ status: 'voided' });
  });
});

describe('holds on a hot account', () => {
  it('sweeps the other shards into shard 0 to place a hold, and captures it there', async () => {
    const bank = await newBank();
    const merchant = newCaller();
    const payer = await newUser();
    // A hot user account (a marketplace's wallet): credits spread over its shards, debits and holds on shard 0.
    const hot = await createAccount(bank.admin, { currency: 'USD', ownerId: payer.userId, shards: 4 });
    const shop = await createAccount(merchant, { currency: 'USD' });
    for (let i = 0; i < 8; i += 1) await bank.fund(hot, 250);
    expect((await findAccount(hot.id))!.balance).toBeLessThan(1_900);

    const { hold } = await placeHold(payer, holdOf(hot, shop, 1_900), 'hot-h');
    expect(await balances(payer, hot.id)).toEqual({ balance: 2_000, pending: 1_900, available: 100 });
    expect(await errorOf(() => placeHold(payer, holdOf(hot, shop, 101), 'hot-h2'))).toMatchObject({ code: 'insufficient_funds' });
    await captureHold(payer, hold.id, { amount: 1_500 }, 'hot-c');
    expect(await balances(payer, hot.id)).toEqual({ balance: 500, pending: 0, available: 500 });
    expect((await reconcileAccounts([bank.system.id, hot.id, shop.id])).violations).toEqual([]);
  });
});

describe('holds out of a hot system account', () => {
  it('reserves on the shard this process debits, not all on shard 0, and releases and captures there', async () => {
    const bank = await newBank();
    const payee = newCaller();
    const settlement = await createAccount(bank.admin, { currency: 'USD', type: 'system', shards: 8 });
    const wallet = await createAccount(payee, { currency: 'USD' });
    const placed = [];
    for (let i = 0; i < 4; i += 1) placed.push((await placeHold(bank.admin, holdOf(settlement, wallet, 100 + i), `sys-${i}`)).hold);
    // The first placement met the account unread (shard 0); the rest go where this process debits it.
    const stored = await Promise.all(placed.map(({ id }) => findHold(id)));
    expect(stored.slice(1).every((hold) => hold!.reservedShard !== 0)).toBe(true);
    expect(await balances(bank.admin, settlement.id)).toEqual({ balance: 0, pending: 406, available: -406 });
    await captureHold(bank.admin, placed[0]!.id, { amount: 50 }, 'sys-c0');
    await captureHold(bank.admin, placed[1]!.id, {}, 'sys-c1');
    await voidHold(bank.admin, placed[2]!.id);
    expect(await balances(bank.admin, settlement.id)).toEqual({ balance: -151, pending: 103, available: -254 });
    expect((await getBalance(payee, wallet.id)).balance).toBe(151);
    expect((await reconcileAccounts([bank.system.id, settlement.id, wallet.id])).violations).toEqual([]);
  });
});
