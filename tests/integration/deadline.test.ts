import type { Caller } from '../../lib/identity/model';
import { dynamoEndpoint } from '../support/env';
import { errorOf, newBank, newCaller } from '../support/ledger-fixtures';
import { startStallingProxy, type StallingProxy } from '../support/stalling-proxy';

/*
 * A request's deadline bounds every DynamoDB call made for it, whatever the SDK's own timeouts and retries would
 * still wait (up to three attempts of a 1 s connect and a 3 s answer). The ledger here is a second copy, whose client
 * talks to DynamoDB Local through a proxy that hangs chosen calls.
 */
type Ledger = {
  transfer: typeof import('../../lib/ledger/transfers').transfer;
  withDeadline: typeof import('../../lib/request-context').withDeadline;
  findAccount: typeof import('../../lib/storage/accounts').findAccount;
};

const budgetMs = 1500;
/** How late an answer may come after the deadline on a busy test machine, and still be "at the deadline". */
const lateMsMax = 1500;

let proxy: StallingProxy;
let ledger: Ledger;

beforeAll(async () => {
  proxy = await startStallingProxy(dynamoEndpoint());
  const saved = process.env.DYNAMODB_ENDPOINT;
  process.env.DYNAMODB_ENDPOINT = proxy.url;
  jest.isolateModules(() => {
    ledger = {
      transfer: require('../../lib/ledger/transfers').transfer,
      withDeadline: require('../../lib/request-context').withDeadline,
      findAccount: require('../../lib/storage/accounts').findAccount,
    };
  });
  process.env.DYNAMODB_ENDPOINT = saved;
  // The copy's first call loads and connects its client; that must not eat into a test's deadline.
  await ledger.findAccount('warm-up');
});

afterEach(() => proxy.stall(undefined));
afterAll(() => proxy.close());

async function payment(): Promise<{ caller: Caller; body: Parameters<Ledger['transfer']>[1] }> {
  const bank = newBank();
  const { system, admin } = await bank;
  const merchant = await (await import('../../lib/ledger/accounts')).createAccount(newCaller(), { currency: 'USD' });
  return { caller: admin, body: { fromAccountId: system.id, toAccountId: merchant.id, amount: 250, currency: 'USD' } };
}

/** Runs `fn` under the test's deadline and measures how long its answer took. */
async function timed<T>(fn: () => Promise<T>): Promise<{ error: { code?: string; status?: number }; elapsedMs: number }> {
  const startedMs = Date.now();
  const error = await errorOf(() => ledger.withDeadline(budgetMs, fn));
  return { error, elapsedMs: Date.now() - startedMs };
}

test('a write whose answer never comes is 503 ledger_unavailable at the deadline, and the keyed retry posts it once', async () => {
  const { caller, body } = await payment();
  proxy.stall('TransactWriteItems', 'answerLost');
  const { error, elapsedMs } = await timed(() => ledger.transfer(caller, body, 'deadline-lost'));
  expect(error).toMatchObject({ status: 503, code: 'ledger_unavailable' });
  expect(elapsedMs).toBeGreaterThanOrEqual(budgetMs - 50);
  expect(elapsedMs).toBeLessThan(budgetMs + lateMsMax);
  expect(proxy.stalled.get('TransactWriteItems')).toBeGreaterThanOrEqual(1);
  // The write committed while its answer was lost; the retry with the same key must find it, not post again.
  proxy.stall(undefined);
  const retry = await ledger.transfer(caller, body, 'deadline-lost');
  expect(retry.replayed).toBe(true);
  expect((await ledger.findAccount(body.toAccountId))!.balance).toBe(250);
});

test('a write that never reaches DynamoDB is 503 at the deadline and writes nothing; the keyed retry posts once', async () => {
  const { caller, body } = await payment();
  proxy.stall('TransactWriteItems', 'neverSent');
  const { error, elapsedMs } = await timed(() => ledger.transfer(caller, body, 'deadline-unsent'));
  expect(error).toMatchObject({ status: 503, code: 'ledger_unavailable' });
  expect(elapsedMs).toBeLessThan(budgetMs + lateMsMax);
  expect((await ledger.findAccount(body.toAccountId))!.balance).toBe(0);
  proxy.stall(undefined);
  const retry = await ledger.transfer(caller, body, 'deadline-unsent');
  expect(retry.replayed).toBe(false);
  expect((await ledger.findAccount(body.toAccountId))!.balance).toBe(250);
});

test('a read that hangs is 503 storage_unavailable at the deadline, not a 500 after the SDK gives up', async () => {
  const { caller, body } = await payment();
  proxy.stall('BatchGetItem', 'neverSent');
  const { error, elapsedMs } = await timed(() => ledger.transfer(caller, body, 'deadline-read'));
  expect(error).toMatchObject({ status: 503, code: 'storage_unavailable' });
  expect(elapsedMs).toBeLessThan(budgetMs + lateMsMax);
  proxy.stall('GetItem', 'neverSent');
  const read = await timed(() => ledger.findAccount(body.toAccountId));
  expect(read.error).toMatchObject({ status: 503, code: 'storage_unavailable' });
});
