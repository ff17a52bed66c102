/**
 * Reconciliation catches corruption: a ledger built through the ledger's own code reconciles clean, then each test
 * breaks one item on purpose (and puts it back) and expects the check that names it. The last test runs the operator
 * command, `npm run reconcile`, against this file's own table, clean and corrupted.
 */
import { ownTableName } from '../support/own-table';
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import {
  DeleteItemCommand, GetItemCommand, PutItemCommand, ScanCommand, UpdateItemCommand, type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import type { Caller } from '../../lib/identity/model';
import { createAccount } from '../../lib/ledger/accounts';
import { reconcileAccounts, reconcileTable } from '../../lib/ledger/reconcile';
import { transfer } from '../../lib/ledger/transfers';
import { db } from '../../lib/storage/client';
import { keys } from '../../lib/storage/keys';
import { findDelivery } from '../../lib/storage/webhook-deliveries';
import { attemptDelivery } from '../../lib/webhooks/deliver';
import { insertEndpoint } from '../../lib/storage/webhooks';
import type { WebhookEndpointRecord } from '../../lib/webhooks/model';
import { newWebhookSecret } from '../../lib/webhooks/signing';
import { deliveryIdOf, enqueueDeliveries } from '../../lib/webhooks/enqueue';
import { createLocalTable } from '../../scripts/local/dynamo';
import { accountEvent } from '../support/webhooks';

type Item = Record<string, AttributeValue>;
type Key = { pk: string; sk: string };

const admin: Caller = { userId: 'reconcile-admin', role: 'admin', mfa: true };
const alice: Caller = { userId: 'reconcile-alice', role: 'user', mfa: false };
let ids: { bank: string; a1: string; a2: string; eur: string; txn: string };

beforeAll(async () => {
  await createLocalTable(process.env.DYNAMODB_ENDPOINT!, ownTableName);
  const bank = await createAccount(admin, { currency: 'USD', type: 'system' });
  const bankEur = await createAccount(admin, { currency: 'EUR', type: 'system' });
  const a1 = await createAccount(alice, { currency: 'USD' });
  const a2 = await createAccount(alice, { currency: 'USD' });
  const eur = await createAccount(alice, { currency: 'EUR' });
  await transfer(admin, { fromAccountId: bank.id, toAccountId: a1.id, amount: 1000, currency: 'USD' });
  await transfer(admin, { fromAccountId: bankEur.id, toAccountId: eur.id, amount: 50, currency: 'EUR' });
  const { transaction } = await transfer(alice, { fromAccountId: a1.id, toAccountId: a2.id, amount: 300, currency: 'USD' }, 'k1');
  await transfer(alice, { fromAccountId: a2.id, toAccountId: a1.id, amount: 100, currency: 'USD' });
  ids = { bank: bank.id, a1: a1.id, a2: a2.id, eur: eur.id, txn: transaction.id };
  // The webhooks' items beside the ledger's: an endpoint (its route and its owner's count), a delivery and an attempt.
  // This table's stage allows no loopback URL, which the URL checks have tests of their own for: stored as it is.
  const endpoint: WebhookEndpointRecord = {
    id: randomUUID(), ownerId: alice.userId, scope: 'owner', url: 'http://127.0.0.1:9/refused', events: ['*'],
    description: null, secret: newWebhookSecret(), createdAt: new Date().toISOString(),
  };
  await insertEndpoint(endpoint);
  const event = accountEvent(alice.userId);
  await enqueueDeliveries(event);
  const delivery = (await findDelivery(deliveryIdOf(event.id, endpoint.id)))!;
  expect(await attemptDelivery(delivery, Date.now(), { allowLoopback: true })).toBe('retrying');
});

const raw = (key: Key) => ({ pk: { S: key.pk }, sk: { S: key.sk } });
const getItem = async (key: Key) => (await db.send(new GetItemCommand({ TableName: ownTableName, Key: raw(key), ConsistentRead: true }))).Item!;
const putItem = (item: Item) => db.send(new PutItemCommand({ TableName: ownTableName, Item: item }));

/** Applies `corrupt`, reconciles, and puts every touched item back exactly as it was. */
async function checksAfter(touched: Key[], corrupt: () => Promise<unknown>): Promise<string[]> {
  const originals = await Promise.all(touched.map(async (key) => ({ key, item: await getItem(key).catch(() => undefined) })));
  try {
    await corrupt();
    const report = await reconcileTable();
    return [...new Set(report.violations.map((v) => v.check))].sort();
  } finally {
    for (const { key, item } of originals) {
      if (item) await putItem(item);
      else await db.send(new DeleteItemCommand({ TableName: ownTableName, Key: raw(key) }));
    }
  }
}

const setNumber = (key: Key, attribute: string, value: string) => db.send(new UpdateItemCommand({
  TableName: ownTableName, Key: raw(key), UpdateExpression: 'SET #a = :v',
  ExpressionAttributeNames: { '#a': attribute }, ExpressionAttributeValues: { ':v': { N: value } },
}));

test('a ledger written by the ledger, with webhooks beside it, reconciles clean, whole table and as a closed set of accounts', async () => {
  const report = await reconcileTable();
  expect(report).toMatchObject({ accounts: 5, transactions: 4, entries: 8, currencies: ['EUR', 'USD'], violationCount: 0 });
  expect(await reconcileAccounts([ids.bank, ids.a1, ids.a2])).toMatchObject({ accounts: 3, transactions: 3, violationCount: 0 });
});

test('a balance changed by one minor unit', async () => {
  const account = keys.account(ids.a2);
  expect(await checksAfter([account], () => setNumber(account, 'balance', '201'))).toEqual(['account_balance', 'currency_conserved']);
});

test('a balance beyond 2^53 is still read exactly and caught', async () => {
  const account = keys.account(ids.a2);
  expect(await checksAfter([account], () => setNumber(account, 'balance', '100000000000000000000000000000')))
    .toEqual(['account_balance', 'currency_conserved']);
});

test('a user account below zero, entries and all', async () => {
  const account = keys.account(ids.a2);
  const entry = keys.entry(ids.a2, 1);
  const checks = await checksAfter([account, entry], async () => {
    await setNumber(account, 'balance', '-100');
    await setNumber(entry, 'balanceAfter', '-300');
    await db.send(new UpdateItemCommand({
      TableName: ownTableName, Key: raw(entry), UpdateExpression: 'SET direction = :d',
      ExpressionAttributeValues: { ':d': { S: 'debit' } },
    }));
  });
  expect(checks).toEqual(expect.arrayContaining(['user_balance_non_negative', 'currency_conserved']));
});

test('an entry deleted: its account no longer adds up and its transaction lacks it', async () => {
  const entry = keys.entry(ids.a2, 2);
  expect(await checksAfter([entry], () => db.send(new DeleteItemCommand({ TableName: ownTableName, Key: raw(entry) }))))
    .toEqual(['account_balance', 'account_seq', 'transaction_entries_stored']);
});

test('a transaction deleted: its entries are orphans and its idempotency key names nothing', async () => {
  const txn = keys.transaction(ids.txn);
  expect(await checksAfter([txn], () => db.send(new DeleteItemCommand({ TableName: ownTableName, Key: raw(txn) }))))
    .toEqual(['entry_transaction_exists', 'event_transaction_exists', 'idempotency_transaction_exists']);
});

test("a transaction's event deleted: the outbox lost a committed change", async () => {
  const event = (await db.send(new ScanCommand({
    TableName: ownTableName, FilterExpression: 'entity = :event AND subject.#transaction.id = :txn',
    ExpressionAttributeNames: { '#transaction': 'transaction' }, ExpressionAttributeValues: { ':event': { S: 'event' }, ':txn': { S: ids.txn } },
  }))).Items![0]!;
  const key = { pk: event.pk!.S!, sk: event.sk!.S! };
  expect(await checksAfter([key], () => db.send(new DeleteItemCommand({ TableName: ownTableName, Key: raw(key) })))).toEqual(['event_copies', 'transaction_event']);
});

test('an entry posted twice (a copy at the next sequence number)', async () => {
  const copy = keys.entry(ids.a2, 3);
  const checks = await checksAfter([copy], async () => {
    const entry = await getItem(keys.entry(ids.a2, 1));
    await putItem({ ...entry, sk: { S: copy.sk }, seq: { N: '3' } });
  });
  expect(checks).toEqual(expect.arrayContaining(['account_balance', 'account_seq', 'transaction_entries_stored']));
});

test('a transaction whose amount no longer matches its entries', async () => {
  const txn = keys.transaction(ids.txn);
  expect(await checksAfter([txn], () => setNumber(txn, 'amount', '301'))).toEqual(['transaction_balanced']);
});

test('an entry whose amount was changed', async () => {
  const entry = keys.entry(ids.a1, 2);
  expect(await checksAfter([entry], () => setNumber(entry, 'amount', '299')))
    .toEqual(['account_balance', 'entry_balance_after', 'entry_matches_transaction']);
});

test('a history broken in the middle, though the balance still adds up: the balance at that time would be wrong', async () => {
  const entry = keys.entry(ids.a1, 2);
  expect(await checksAfter([entry], () => setNumber(entry, 'balanceAfter', '701'))).toEqual(['entry_balance_after']);
});

const setString = (key: Key, attribute: string, value: string) => db.send(new UpdateItemCommand({
  TableName: ownTableName, Key: raw(key), UpdateExpression: 'SET #a = :v',
  ExpressionAttributeNames: { '#a': attribute }, ExpressionAttributeValues: { ':v': { S: value } },
}));

test('a closed account that still holds money', async () => {
  const account = keys.account(ids.a1);
  expect(await checksAfter([account], () => setString(account, 'status', 'closed'))).toEqual(['closed_account_empty']);
});

test('an account status that is none of the three', async () => {
  const account = keys.account(ids.a1);
  expect(await checksAfter([account], () => setString(account, 'status', 'suspended'))).toEqual(['account_well_formed']);
});

test('a shard whose status is not its account\'s', async () => {
  const account = keys.account(ids.a2);
  const shard = keys.shard(ids.a2, 1);
  const checks = await checksAfter([account, shard], async () => {
    await setNumber(account, 'shards', '2');
    await putItem({
      ...raw(shard), entity: { S: 'shard' }, id: { S: ids.a2 }, ownerId: { S: alice.userId }, type: { S: 'user' },
      currency: { S: 'USD' }, balance: { N: '0' }, seq: { N: '0' }, shards: { N: '2' }, shard: { N: '1' }, status: { S: 'frozen' },
      createdAt: { S: new Date().toISOString() }, updatedAt: { S: new Date().toISOString() },
    });
  });
  expect(checks).toEqual(['shard_status']);
});

test('entries out of time order on a shard, which a search by time would misread', async () => {
  const entry = keys.entry(ids.a1, 2);
  expect(await checksAfter([entry], () => setString(entry, 'createdAt', '2000-01-01T00:00:00.000Z'))).toEqual(['entry_time_order']);
});

test('a shard written before its last entry (updatedAt behind it), from which a new entry could be minted earlier', async () => {
  const account = keys.account(ids.a1);
  expect(await checksAfter([account], () => setString(account, 'updatedAt', '2000-01-01T00:00:00.000Z'))).toEqual(['account_updated_at']);
});

test('an entry without a time', async () => {
  const entry = keys.entry(ids.a1, 1);
  expect(await checksAfter([entry], () => db.send(new UpdateItemCommand({
    TableName: ownTableName, Key: raw(entry), UpdateExpression: 'REMOVE createdAt',
  })))).toEqual(['entry_well_formed']);
});

test('an owner\'s endpoint count stored before it named its entity is known by its key', async () => {
  const count = keys.webhookEndpointCount('reconcile-earlier-owner');
  expect(await checksAfter([count], () => putItem({ ...raw(count), live: { N: '1' } }))).toEqual([]);
});

test('an item of no known entity', async () => {
  const stray = { pk: 'STRAY#1', sk: 'STRAY' };
  expect(await checksAfter([stray], () => putItem(raw(stray)))).toEqual(['entity_known']);
});

test('npm run reconcile exits 0 on a clean table and 1, naming each violation, on a corrupted one', async () => {
  const run = () => spawnSync(process.execPath, [
    resolve(__dirname, '../../node_modules/tsx/dist/cli.mjs'), resolve(__dirname, '../../scripts/reconcile.ts'),
    '--table', ownTableName, '--endpoint', process.env.DYNAMODB_ENDPOINT!,
  ], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' } });
  const clean = run();
  expect(clean.stdout).toMatch(/accounts\s+5\n\s+transactions\s+4 \(8 entries\)\n\s+currencies\s+2 \(EUR, USD\)\n\s+violations\s+0/);
  expect(clean.status).toBe(0);
  const account = keys.account(ids.a1);
  let corrupted: ReturnType<typeof run> | undefined;
  await checksAfter([account], async () => {
    await setNumber(account, 'balance', '1000000');
    corrupted = run();
  });
  expect(corrupted!.status).toBe(1);
  expect(corrupted!.stdout).toContain('violations    2');
  expect(corrupted!.stdout).toContain(`[account_balance] ACCOUNT#${ids.a1}/ACCOUNT: balance 1000000, entries sum to 800`);
  expect(corrupted!.stdout).toContain('[currency_conserved] USD: balances sum to 999200');
}, 60_000);
