import { changeAccountStatus, updateAccount } from '../../lib/ledger/account-changes';
import { getEvent, listEvents } from '../../lib/events/list';
import { captureHold, placeHold, voidHold } from '../../lib/ledger/holds';
import { reverseTransaction } from '../../lib/ledger/reversals';
import { transfer } from '../../lib/ledger/transfers';
import { errorOf, newCaller, newCheckout } from '../support/ledger-fixtures';

const types = async (caller: Parameters<typeof listEvents>[0]) => (await listEvents(caller, { limit: 100 })).data.map((event) => event.type);

describe('the outbox against DynamoDB Local', () => {
  it('writes one event with each committed change, and none for a refused one', async () => {
    const { payer, merchant, wallet, shop } = await newCheckout(1_000);
    const { transaction } = await transfer(payer, { fromAccountId: wallet.id, toAccountId: shop.id, amount: 300, currency: 'USD' }, 'e-1');
    expect(await errorOf(() => transfer(payer, { fromAccountId: wallet.id, toAccountId: shop.id, amount: 5_000, currency: 'USD' }, 'e-2')))
      .toMatchObject({ code: 'insufficient_funds' });
    await reverseTransaction(merchant, transaction.id, { amount: 100 }, 'e-3');
    // Newest first: the reversal, the payment, the funding, the account opened; nothing of the refused transfer.
    expect(await types(payer)).toEqual(['transaction.reversed', 'transaction.posted', 'transaction.posted', 'account.created']);
    expect(await types(merchant)).toEqual(['transaction.reversed', 'transaction.posted', 'account.created']);
  });

  it('shows each reader only its own balances, and an event only to the owners of the accounts it touches', async () => {
    const { payer, merchant, wallet, shop } = await newCheckout(1_000);
    await transfer(payer, { fromAccountId: wallet.id, toAccountId: shop.id, amount: 250, currency: 'USD' }, 'v-1');
    const [asPayer] = (await listEvents(payer, { limit: 1 })).data;
    expect(asPayer!.data.entries).toEqual([
      expect.objectContaining({ accountId: wallet.id, balanceAfter: 750 }), expect.objectContaining({ accountId: shop.id, balanceAfter: null }),
    ]);
    // Each touched account with its entry's number in its history, to order and detect gaps by.
    expect(asPayer!.data.accounts).toEqual([{ accountId: wallet.id, shard: null, seq: 2 }, { accountId: shop.id, shard: null, seq: 1 }]);
    const asMerchant = await getEvent(merchant, asPayer!.id);
    expect((asMerchant.data.entries as Array<{ balanceAfter: number | null }>).map((e) => e.balanceAfter)).toEqual([null, 250]);
    expect(await errorOf(() => getEvent(newCaller(), asPayer!.id))).toMatchObject({ code: 'event_not_found' });
    expect((await listEvents(newCaller(), { limit: 10 })).data).toEqual([]);
  });

  it('writes the events of holds and account changes', async () => {
    const { bank, payer, wallet, shop } = await newCheckout(1_000);
    const { hold } = await placeHold(payer, { fromAccountId: wallet.id, toAccountId: shop.id, amount: 200, currency: 'USD' }, 'h-1');
    await captureHold(payer, hold.id, { amount: 150 }, 'h-2');
    const { hold: other } = await placeHold(payer, { fromAccountId: wallet.id, toAccountId: shop.id, amount: 10, currency: 'USD' }, 'h-3');
    await voidHold(payer, other.id);
    await updateAccount(payer, wallet.id, { name: 'Main' });
    await changeAccountStatus(bank.admin, wallet.id, 'freeze');
    const seen = await types(payer);
    expect(seen.slice(0, 4)).toEqual(['account.updated', 'account.updated', 'hold.voided', 'hold.created']);
    // A capture's two events are written at one instant, by one write.
    expect(seen.slice(4, 6).sort()).toEqual(['hold.captured', 'transaction.posted']);
    expect(seen[6]).toBe('hold.created');
    const frozen = (await listEvents(payer, { limit: 1, type: 'account.updated' })).data[0]!;
    expect(frozen.data).toMatchObject({ id: wallet.id, status: 'frozen', name: 'Main' });
    expect(frozen.data).not.toHaveProperty('balance');
  });

  it('pages newest first without repeating or skipping an event while new ones land, for an owner and across the feed', async () => {
    const { bank, payer, wallet, shop } = await newCheckout(10_000);
    const pay = (key: string) => transfer(payer, { fromAccountId: wallet.id, toAccountId: shop.id, amount: 1, currency: 'USD' }, key);
    for (let i = 0; i < 6; i += 1) await pay(`p-${i}`);
    const before = (await listEvents(payer, { limit: 100, type: 'transaction.posted' })).data.map((event) => event.id);
    expect(before).toHaveLength(7);
    for (const reader of [payer, bank.admin]) {
      const seen: Array<{ id: string; createdAt: string }> = [];
      let cursor: string | undefined;
      for (let page = 0; page === 0 || (cursor && page < 4); page += 1) {
        const result = await listEvents(reader, { limit: 3, cursor, type: 'transaction.posted' });
        seen.push(...result.data);
        // New events land between pages: after the first page, above the cursor, so never in a later page.
        await pay(`p-new-${reader.role}-${page}`);
        cursor = result.nextCursor ?? undefined;
      }
      expect(new Set(seen.map(({ id }) => id)).size).toBe(seen.length);
      expect(seen.map(({ createdAt }) => createdAt)).toEqual([...seen.map(({ createdAt }) => createdAt)].sort().reverse());
      // The owner's list is read through: every event there before the first page, each once, and no new one.
      if (reader === payer) expect(seen.map(({ id }) => id)).toEqual(before);
    }
  });
});
