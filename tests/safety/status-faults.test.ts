/**
 * A status change under the faults DynamoDB Local never produces: a conflict, a lost answer (the change committed,
 * the answer never came), a lost answer whose retries are throttled, and every send's answer lost. Each answers as if
 * nothing went wrong, with the change made once, and the account's shards all agree.
 */
import { ownTableName } from '../support/own-table';
import type { Caller } from '../../lib/identity/model';
import { changeAccountStatus } from '../../lib/ledger/account-changes';
import { createAccount } from '../../lib/ledger/accounts';
import { readShards } from '../../lib/storage/accounts';
import { db } from '../../lib/storage/client';
import { createLocalTable } from '../../scripts/local/dynamo';
import { FaultInjector, type FaultKind } from '../support/faults';

jest.setTimeout(60_000);

const faults = new FaultInjector(db).install();
const admin: Caller = { userId: 'status-faults-admin', role: 'admin', mfa: true };

beforeAll(async () => {
  await createLocalTable(process.env.DYNAMODB_ENDPOINT!, ownTableName);
});

afterEach(() => faults.disable());

/** Every shard's status of an account. */
async function statuses(account: Awaited<ReturnType<typeof createAccount>>) {
  return (await readShards({ ...account, shard: 0, seq: 0 })).map((shard) => shard.status);
}

test.each<[string, FaultKind[]]>([
  ['a conflict', ['conflict']],
  ['a lost answer the SDK retries', ['lostOnce']],
  ['a lost answer whose retries are throttled', ['lostThenThrottled']],
  ['every send\'s answer lost', ['lostAlways', 'lostAlways', 'lostAlways', 'lostAlways']],
])('a freeze, then a close of a hot account, each under %s, answer 200 and change every shard once', async (_, kinds) => {
  const account = await createAccount(admin, { currency: 'USD', type: 'system', shards: 3 });
  const injectedBefore = faults.counts[kinds[0]!];
  faults.force('write', ...kinds);
  expect(await changeAccountStatus(admin, account.id, 'freeze')).toMatchObject({ status: 'frozen' });
  expect(await statuses(account)).toEqual(['frozen', 'frozen', 'frozen']);
  faults.force('write', ...kinds);
  expect(await changeAccountStatus(admin, account.id, 'close')).toMatchObject({ status: 'closed', balance: 0 });
  expect(await statuses(account)).toEqual(['closed', 'closed', 'closed']);
  expect(faults.counts[kinds[0]!] - injectedBefore).toBe(2 * kinds.length);
});
