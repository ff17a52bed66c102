/**
 * Holds under the faults DynamoDB Local never produces (tests/support/faults.ts): a placement, capture or release
 * whose answer is lost is known by its own item afterwards, and a retry with the key replays it; nothing is reserved,
 * captured or released twice.
 */
import { ownTableName } from '../support/own-table';
import { config } from '../../lib/config';
import type { Caller } from '../../lib/identity/model';
import { createAccount, getBalance } from '../../lib/ledger/accounts';
import { captureHold, placeHold, voidHold } from '../../lib/ledger/holds';
import { reconcileAccounts } from '../../lib/ledger/reconcile';
import { transfer } from '../../lib/ledger/transfers';
import { db } from '../../lib/storage/client';
import { findHold } from '../../lib/storage/holds';
import { createLocalTable } from '../../scripts/local/dynamo';
import { FaultInjector } from '../support/faults';

const faults = new FaultInjector(db).install();

beforeAll(async () => {
  expect(config.tableName).toBe(ownTableName);
  await createLocalTable(process.env.DYNAMODB_ENDPOINT!, ownTableName);
});

afterEach(() => faults.disable());

async function fixture() {
  const admin: Caller = { userId: `admin-${Math.random()}`, role: 'admin', mfa: true };
  const owner: Caller = { userId: `owner-${Math.random()}`, role: 'user', mfa: false };
  const bank = await createAccount(admin, { currency: 'USD', type: 'system' });
  const from = await createAccount(owner, { currency: 'USD' });
  const to = await createAccount(owner, { currency: 'USD' });
  await transfer(admin, { fromAccountId: bank.id, toAccountId: from.id, amount: 1_000, currency: 'USD' });
  const hold = { fromAccountId: from.id, toAccountId: to.id, amount: 600, currency: 'USD' as const };
  return { owner, ids: [bank.id, from.id, to.id], from, to, hold };
}

async function errorOf(promise: Promise<unknown>): Promise<{ status?: number; code?: string }> {
  return promise.then(() => ({}), (error: { status?: number; code?: string }) => error);
}

test('a placement whose answer is lost is placed once, and the retry with its key replays it', async () => {
  const { owner, from, ids, hold } = await fixture();
  faults.force('write', 'lostAlways', 'lostAlways', 'lostAlways');
  expect(await errorOf(placeHold(owner, hold, 'place-lost'))).toMatchObject({ status: 503, code: 'ledger_unavailable' });
  const retry = await placeHold(owner, hold, 'place-lost');
  expect(retry).toMatchObject({ replayed: true, hold: { status: 'pending', amount: 600 } });
  expect(await getBalance(owner, from.id)).toMatchObject({ balance: 1_000, pending: 600, available: 400 });
  expect((await reconcileAccounts(ids)).violations).toEqual([]);
});

test('a capture retried with its key after a lost answer posts once', async () => {
  const { owner, from, to, ids, hold } = await fixture();
  const { hold: placed } = await placeHold(owner, hold, 'place');
  faults.force('write', 'lostAlways', 'lostAlways', 'lostAlways');
  expect(await errorOf(captureHold(owner, placed.id, { amount: 250 }, 'capture-lost'))).toMatchObject({ status: 503, code: 'ledger_unavailable' });
  const retry = await captureHold(owner, placed.id, { amount: 250 }, 'capture-lost');
  expect(retry).toMatchObject({ replayed: true, transaction: { type: 'capture', holdId: placed.id, amount: 250 } });
  expect(await getBalance(owner, from.id)).toMatchObject({ balance: 750, pending: 0, available: 750 });
  expect((await getBalance(owner, to.id)).balance).toBe(250);
  expect((await reconcileAccounts(ids)).violations).toEqual([]);
});

test('a release whose first answer is lost is retried inside the ledger and released once', async () => {
  const { owner, from, ids, hold } = await fixture();
  const { hold: placed } = await placeHold(owner, hold, 'place-v');
  faults.force('write', 'lostOnce');
  expect(await voidHold(owner, placed.id)).toMatchObject({ status: 'voided' });
  expect(faults.counts.lostOnce).toBeGreaterThan(0);
  expect(await findHold(placed.id)).toMatchObject({ status: 'voided' });
  expect(await getBalance(owner, from.id)).toMatchObject({ balance: 1_000, pending: 0, available: 1_000 });
  expect((await reconcileAccounts(ids)).violations).toEqual([]);
});

test('a capture and a void that meet transaction conflicts still resolve the hold once', async () => {
  const { owner, from, ids, hold } = await fixture();
  const { hold: placed } = await placeHold(owner, hold, 'place-c');
  faults.force('write', 'conflict', 'conflict');
  const [captured, voided] = await Promise.allSettled([captureHold(owner, placed.id, {}, 'cap-c'), voidHold(owner, placed.id)]);
  expect([captured.status, voided.status].filter((s) => s === 'fulfilled')).toHaveLength(1);
  const balance = await getBalance(owner, from.id);
  expect(balance.pending).toBe(0);
  expect(balance.balance).toBe(captured.status === 'fulfilled' ? 400 : 1_000);
  expect((await reconcileAccounts(ids)).violations).toEqual([]);
});
