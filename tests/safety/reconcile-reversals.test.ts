/**
 * Reconciliation of multi-entry transactions and reversals catches corruption: built through the ledger's own code,
 * the table reconciles clean; then each test breaks one item (and puts it back) and expects the check that names it.
 */
import { ownTableName } from '../support/own-table';
import { GetItemCommand, PutItemCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Caller } from '../../lib/identity/model';
import { createAccount } from '../../lib/ledger/accounts';
import { reconcileTable } from '../../lib/ledger/reconcile';
import { reverseTransaction } from '../../lib/ledger/reversals';
import { postTransaction, transfer } from '../../lib/ledger/transfers';
import { db } from '../../lib/storage/client';
import { keys } from '../../lib/storage/keys';
import { createLocalTable } from '../../scripts/local/dynamo';

type Key = { pk: string; sk: string };

const admin: Caller = { userId: 'reversals-admin', role: 'admin', mfa: true };
let ids: { paid: string; refund: string; fx: string };

beforeAll(async () => {
  await createLocalTable(process.env.DYNAMODB_ENDPOINT!, ownTableName);
  const usd = await createAccount(admin, { currency: 'USD', type: 'system' });
  const eur = await createAccount(admin, { currency: 'EUR', type: 'system' });
  const shop = await createAccount(admin, { currency: 'USD' });
  const shopEur = await createAccount(admin, { currency: 'EUR' });
  const paid = (await transfer(admin, { fromAccountId: usd.id, toAccountId: shop.id, amount: 1_000, currency: 'USD' })).transaction;
  const refund = (await reverseTransaction(admin, paid.id, { amount: 300 })).transaction;
  const fx = (await postTransaction(admin, {
    entries: [
      { accountId: shop.id, direction: 'debit', amount: 110, currency: 'USD' },
      { accountId: usd.id, direction: 'credit', amount: 110, currency: 'USD' },
      { accountId: eur.id, direction: 'debit', amount: 100, currency: 'EUR' },
      { accountId: shopEur.id, direction: 'credit', amount: 100, currency: 'EUR' },
    ],
  })).transaction;
  ids = { paid: paid.id, refund: refund.id, fx: fx.id };
});

const raw = (key: Key) => ({ pk: { S: key.pk }, sk: { S: key.sk } });

/** Applies `update` to one item, reconciles, and puts the item back exactly as it was. */
async function checksAfter(key: Key, update: string, values: Record<string, AttributeValue>, names?: Record<string, string>): Promise<string[]> {
  const original = (await db.send(new GetItemCommand({ TableName: ownTableName, Key: raw(key), ConsistentRead: true }))).Item!;
  try {
    await db.send(new UpdateItemCommand({
      TableName: ownTableName, Key: raw(key), UpdateExpression: update, ExpressionAttributeValues: values, ExpressionAttributeNames: names,
    }));
    return [...new Set((await reconcileTable()).violations.map((v) => v.check))].sort();
  } finally {
    await db.send(new PutItemCommand({ TableName: ownTableName, Item: original }));
  }
}

test('transfers, a partial reversal and an FX transaction in two currencies reconcile clean', async () => {
  expect(await reconcileTable()).toMatchObject({ transactions: 3, currencies: ['EUR', 'USD'], violationCount: 0 });
});

test('a reversed amount that is not the sum of the reversals', async () => {
  expect(await checksAfter(keys.transaction(ids.paid), 'SET reversedAmount = :v', { ':v': { N: '299' } })).toEqual(['reversed_amount']);
});

test('reversals that add up to more than the original', async () => {
  const refund = keys.transaction(ids.refund);
  const checks = await checksAfter(refund, 'SET amount = :v, entries[0].amount = :v, entries[1].amount = :v', { ':v': { N: '1001' } });
  expect(checks).toEqual(expect.arrayContaining(['reversed_amount']));
});

test('a reversal the original does not list', async () => {
  expect(await checksAfter(keys.transaction(ids.paid), 'SET reversalIds = :none, reversedAmount = :zero', { ':none': { L: [] }, ':zero': { N: '0' } }))
    .toEqual(['reversal_links']);
});

test('a transaction that balances in total but not in each currency', async () => {
  const fx = keys.transaction(ids.fx);
  // 110 USD debited against 100 EUR credited: debits still equal credits across currencies, not within each.
  expect(await checksAfter(fx, 'SET entries[3].#c = :usd', { ':usd': { S: 'USD' } }, { '#c': 'currency' }))
    .toEqual(expect.arrayContaining(['transaction_balanced', 'transaction_currency']));
});
