import { marshall } from '@aws-sdk/util-dynamodb';
import type { Caller } from '../../lib/identity/model';
import { createAccount } from '../../lib/ledger/accounts';
import type { AccountRecord, TransferPlan } from '../../lib/ledger/model';
import { hashRequest, postedRecord } from '../../lib/ledger/idempotency';
import { accountsAfter, ledgerWrite, planTransfer, transferMovement } from '../../lib/ledger/rules';
import { transfer } from '../../lib/ledger/transfers';
import { findAccount } from '../../lib/storage/accounts';
import { db } from '../../lib/storage/client';
import { transactItems, writeTransfers } from '../../lib/storage/ledger-write';
import { installAwsModel } from '../support/aws-model';
import { newCaller } from '../support/ledger-fixtures';

const model = installAwsModel(db);
const admin: Caller = newCaller('admin');
const initiatedBy = { userId: admin.userId, role: admin.role, requestId: null, sourceIp: null };

test('the same write sent again while DynamoDB still runs it (TransactionInProgress) posts once, and both sends say so', async () => {
  const bank = await createAccount(admin, { currency: 'USD', type: 'system' });
  const shop = await createAccount(admin, { currency: 'USD' });
  const [from, to] = [await findAccount(bank.id), await findAccount(shop.id)];
  const input = { fromAccountId: bank.id, toAccountId: shop.id, amount: 75, currency: 'USD' } as const;
  const plan = planTransfer(admin, input, from, to, { id: `in-progress-${Math.random()}`, createdAt: new Date().toISOString(), initiatedBy });
  const write = ledgerWrite([plan]);
  const before = model.inProgress;
  expect(await Promise.all([writeTransfers(write), writeTransfers(write)])).toEqual([{ status: 'posted' }, { status: 'posted' }]);
  expect(model.inProgress).toBeGreaterThan(before);
  expect((await findAccount(shop.id))!.balance).toBe(75);
  expect((await findAccount(bank.id))!).toMatchObject({ balance: -75, seq: 1 });
});

/**
 * DynamoDB's size of an item, by its documented rules: each attribute's name plus its value, strings in UTF-8, a
 * number at most 21 bytes, a map or list 3 bytes plus 1 per element plus what it holds.
 */
function itemBytes(value: unknown): number {
  const attribute = value as { S?: string; N?: string; BOOL?: boolean; NULL?: boolean; M?: Record<string, unknown>; L?: unknown[] };
  if (attribute.S !== undefined) return Buffer.byteLength(attribute.S);
  if (attribute.N !== undefined) return 21;
  if (attribute.BOOL !== undefined || attribute.NULL !== undefined) return 1;
  if (attribute.M) return 3 + Object.entries(attribute.M).reduce((sum, [name, inner]) => sum + 1 + Buffer.byteLength(name) + itemBytes(inner), 0);
  if (attribute.L) return 3 + attribute.L.reduce<number>((sum, inner) => sum + 1 + itemBytes(inner), 0);
  throw new Error(`Unknown attribute ${JSON.stringify(value)}`);
}

test('the largest write a batch can make stays far below DynamoDB\'s 400 KB item and 4 MB transaction limits', () => {
  // The longest ids, description (280 characters of 4 bytes each), key and amounts the API accepts.
  const longId = (c: string) => c.repeat(64);
  const caller: Caller = { userId: longId('u'), role: 'admin', mfa: true };
  // API Gateway's request ids are 20 characters; an IPv6 source address is at most 45.
  const longInitiator = { userId: caller.userId, role: caller.role, requestId: 'r'.repeat(64), sourceIp: 'f'.repeat(45) };
  const account = (id: string, balance: number): AccountRecord => ({
    id, ownerId: longId('o'), type: 'system', currency: 'USD', name: 'n'.repeat(100), status: 'active', metadata: {}, shards: 1, shard: 0, balance, pending: 0, seq: Number.MAX_SAFE_INTEGER - 100,
    createdAt: new Date().toISOString(), updatedAt: new Date().toISOString(),
  });
  let [from, to] = [account(longId('a'), 0), account(longId('b'), 0)];
  const plans: TransferPlan[] = [];
  // One account update each for two accounts, then seven items a transfer (its transaction, two entries, its key, and
  // its event with a copy in its one owner's list and one in the feed): 14 transfers fill the 100 items.
  for (let i = 0; i < 14; i += 1) {
    const input = { fromAccountId: from.id, toAccountId: to.id, amount: 2 ** 40, currency: 'USD', description: '💸'.repeat(280) } as const;
    const plan = planTransfer(caller, input, from, to, { id: `${longId('t').slice(0, 60)}${i}`.padEnd(64, 'x'), createdAt: new Date().toISOString(), initiatedBy: longInitiator });
    const record = postedRecord(plan.transaction, hashRequest(transferMovement(input)), 86_400);
    plans.push({ ...plan, idempotency: { ref: { callerId: caller.userId, key: '~'.repeat(255) }, record } });
    [from, to] = accountsAfter(plan) as [AccountRecord, AccountRecord];
  }
  const { items } = transactItems(ledgerWrite(plans));
  expect(items).toHaveLength(100);
  const sizes = items.map((item) => {
    const [action] = Object.values(item) as Array<{ Item?: Record<string, unknown>; Key?: Record<string, unknown> }>;
    return itemBytes({ M: marshall(action!.Item ?? action!.Key!, { removeUndefinedValues: true }) });
  });
  const largestBytes = Math.max(...sizes);
  const totalBytes = sizes.reduce((sum, bytes) => sum + bytes, 0);
  expect(largestBytes).toBeLessThan(400 * 1024 / 10);
  expect(totalBytes).toBeLessThan(4 * 1024 * 1024 / 10);
});

test('a transfer through the whole ledger works with the model installed: no conflict without a rival', async () => {
  const bank = await createAccount(admin, { currency: 'EUR', type: 'system' });
  const shop = await createAccount(admin, { currency: 'EUR' });
  const conflictsBefore = model.conflicts;
  await transfer(admin, { fromAccountId: bank.id, toAccountId: shop.id, amount: 5, currency: 'EUR' });
  expect(model.conflicts).toBe(conflictsBefore);
  expect((await findAccount(shop.id))!.balance).toBe(5);
});
