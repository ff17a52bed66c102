import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Caller } from '../../lib/identity/model';
import type { CurrencyCode } from '../../lib/ledger/currencies';
import type { TransferBody } from '../../lib/ledger/schemas';
import { storedTransfers, type LedgerDriver } from './drivers';
import { LedgerModel } from './model';

/**
 * Random ledger workloads (TigerBeetle-simulator style): open accounts in several currencies, fund them, transfer
 * random amounts between random accounts as owners, strangers and admins, repeat idempotency keys with the same or a
 * different body, and fire batches concurrently. Indexes are taken modulo what exists, so any shrunk sequence runs.
 */
export type Command =
  | { kind: 'fund'; to: number; amount: number }
  | { kind: 'transfer'; by: 'owner' | 'stranger' | 'admin'; from: number; to: number; amount: number; wrongCurrency: boolean; key: boolean }
  | { kind: 'repeat'; of: number; sameBody: boolean }
  | { kind: 'open'; owner: number; currency: number }
  | { kind: 'batch'; commands: Command[] };

export interface Scenario {
  accounts: Array<{ owner: number; currency: number }>;
  commands: Command[];
}

export const scenarioCurrencies: CurrencyCode[] = ['USD', 'EUR', 'JPY'];
const usersCount = 3;

/** Mostly small amounts, so transfers succeed often; sometimes large, and sometimes near 2^53 to hit the limits. */
const amountArb = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 500 }) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 1_000_000 }) },
  { weight: 1, arbitrary: fc.integer({ min: Number.MAX_SAFE_INTEGER - 1000, max: Number.MAX_SAFE_INTEGER }) },
);
const indexArb = fc.nat({ max: 30 });

const simpleCommandArb: fc.Arbitrary<Command> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('fund' as const), to: indexArb, amount: amountArb }) },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('transfer' as const),
      by: fc.constantFrom('owner', 'owner', 'owner', 'stranger', 'admin') as fc.Arbitrary<'owner' | 'stranger' | 'admin'>,
      from: indexArb,
      to: indexArb,
      amount: amountArb,
      wrongCurrency: fc.nat({ max: 9 }).map((n) => n === 9),
      key: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('repeat' as const), of: indexArb, sameBody: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('open' as const), owner: fc.nat({ max: usersCount - 1 }), currency: fc.nat({ max: 2 }) }) },
);

/** A scenario of up to `commandsMax` commands, of which some are concurrent batches of up to `batchMax`. */
export function scenarioArb(options: { commandsMax: number; batchMax: number }): fc.Arbitrary<Scenario> {
  const batchArb = fc.record({
    kind: fc.constant('batch' as const),
    commands: fc.array(simpleCommandArb, { minLength: 2, maxLength: options.batchMax }),
  });
  return fc.record({
    accounts: fc.array(fc.record({ owner: fc.nat({ max: usersCount - 1 }), currency: fc.nat({ max: 2 }) }), { minLength: 2, maxLength: 6 }),
    commands: fc.array(fc.oneof({ weight: 4, arbitrary: simpleCommandArb }, { weight: 1, arbitrary: batchArb }), {
      minLength: 1,
      maxLength: options.commandsMax,
    }),
  });
}

/** What a run did and what it found wrong. */
export interface RunResult {
  operations: number;
  accountIds: string[];
  problems: string[];
  model: LedgerModel;
}

interface Request {
  caller: Caller;
  body: TransferBody & { description: string };
  key?: string;
}

/**
 * Runs a scenario through `driver` and checks it as it goes: outside batches, every answer that is not a 5xx must be
 * the one the model predicts; a 5xx is settled by reading what was stored (never assumed "not posted"). At the end,
 * every request must be stored exactly as its answers allow.
 */
export async function runScenario(
  driver: LedgerDriver,
  scenario: Scenario,
  options: { quietly?: <T>(read: () => Promise<T>) => Promise<T> } = {},
): Promise<RunResult> {
  // The checker's own reads run without injected faults: they judge the ledger, they are not under test.
  const quietly = options.quietly ?? (<T>(read: () => Promise<T>) => read());
  const tag = randomUUID().slice(0, 8);
  const model = new LedgerModel();
  const problems: string[] = [];
  const admin: Caller = { userId: `admin-${tag}`, role: 'admin' };
  const users: Caller[] = Array.from({ length: usersCount }, (_, i) => ({ userId: `user${i}-${tag}`, role: 'user' }));
  const system = new Map<CurrencyCode, string>();
  const accountIds: string[] = [];
  const keysBound = new Map<string, { body: string; transactionId: string }>();
  const keyed: Request[] = [];
  const settledPosted = new Set<string>();
  const applied = new Set<string>();
  let operations = 0;

  const open = async (caller: Caller, currency: CurrencyCode, type: 'user' | 'system') => {
    const account = await driver.openAccount(caller, { currency, type, name: `${type} ${currency}` });
    model.addAccount({ id: account.id, ownerId: caller.userId, type, currency });
    accountIds.push(account.id);
    return account.id;
  };
  for (const currency of scenarioCurrencies) system.set(currency, await open(admin, currency, 'system'));
  for (const spec of scenario.accounts) await open(users[spec.owner]!, scenarioCurrencies[spec.currency]!, 'user');
  const userAccounts = () => accountIds.filter((id) => model.accounts.get(id)!.type === 'user');
  const callerOf = (ownerId: string) => users.find((u) => u.userId === ownerId) ?? admin;

  const send = async (request: Request, predict: boolean): Promise<void> => {
    operations += 1;
    const { caller, body, key } = request;
    const bound = key === undefined ? undefined : keysBound.get(`${caller.userId}#${key}`);
    const expected = body.fromAccountId === body.toAccountId ? 'same_account'
      : bound ? (bound.body === JSON.stringify(body) ? 'replayed' : 'idempotency_key_reused')
      : model.predict(caller, body);
    const outcome = await driver.transfer(caller, body, key);
    model.record(body.description, { from: body.fromAccountId, to: body.toAccountId, amount: body.amount }, outcome);
    let posted = outcome.status === 201 && !outcome.replayed;
    if (outcome.status >= 500) posted = await settle(body);
    if (posted && !applied.has(body.description)) {
      applied.add(body.description);
      model.apply(body.fromAccountId, body.toAccountId, body.amount);
      if (key !== undefined) {
        keysBound.set(`${caller.userId}#${key}`, { body: JSON.stringify(body), transactionId: outcome.transactionId ?? '' });
      }
    }
    const actual = outcome.status === 201 ? (outcome.replayed ? 'replayed' : 'posted') : outcome.code;
    if (predict && outcome.status < 500 && actual !== expected) {
      problems.push(`${body.description}: expected ${expected}, got ${actual} (${outcome.status})`);
    }
  };

  /** A 5xx left the outcome unknown: read whether the transfer is stored (and remember, for the final check). */
  const settle = async (body: Request['body']): Promise<boolean> => {
    const stored = await quietly(() => storedTransfers([body.fromAccountId]));
    const found = stored.some((txn) => txn.description === body.description);
    if (found) settledPosted.add(body.description);
    return found;
  };

  const requestFor = (command: Command): Request | undefined => {
    const description = `${tag}/${operations + keyed.length}/${randomUUID().slice(0, 6)}`;
    const pick = (list: string[], index: number) => list[index % list.length]!;
    if (command.kind === 'fund') {
      const to = model.accounts.get(pick(userAccounts(), command.to))!;
      const body = { fromAccountId: system.get(to.currency)!, toAccountId: to.id, amount: command.amount, currency: to.currency, description };
      return { caller: admin, body };
    }
    if (command.kind === 'transfer') {
      const from = model.accounts.get(pick(accountIds, command.from))!;
      // Mostly between accounts of one currency; a "wrong currency" transfer picks any account and names another.
      // Now and then the source itself, to exercise same_account.
      const sameCurrency = accountIds.filter((id) => model.accounts.get(id)!.currency === from.currency
        && (id !== from.id || command.to % 10 === 0));
      const to = pick(command.wrongCurrency || sameCurrency.length === 0 ? accountIds : sameCurrency, command.to);
      const owner = callerOf(from.ownerId);
      const caller = command.by === 'admin' ? admin
        : command.by === 'stranger' ? users[(users.indexOf(owner) + 1) % users.length]! : owner;
      const currency = command.wrongCurrency && command.amount % 2 === 0
        ? scenarioCurrencies.find((c) => c !== from.currency)!
        : from.currency;
      const request: Request = {
        caller,
        body: { fromAccountId: from.id, toAccountId: to, amount: command.amount, currency, description },
        key: command.key ? `key-${description}` : undefined,
      };
      if (request.key) keyed.push(request);
      return request;
    }
    if (command.kind === 'repeat' && keyed.length > 0) {
      const original = keyed[command.of % keyed.length]!;
      if (command.sameBody) return original;
      const amount = original.body.amount < Number.MAX_SAFE_INTEGER ? original.body.amount + 1 : original.body.amount - 1;
      return { ...original, body: { ...original.body, amount, description } };
    }
    return undefined;
  };

  const run = async (command: Command, predict: boolean): Promise<void> => {
    if (command.kind === 'open') {
      operations += 1;
      await open(users[command.owner]!, scenarioCurrencies[command.currency]!, 'user');
      return;
    }
    if (command.kind === 'batch') {
      const requests = command.commands.map((c) => (c.kind === 'open' || c.kind === 'batch' ? undefined : requestFor(c)));
      await Promise.all(requests.map((r) => (r ? send(r, false) : Promise.resolve())));
      return;
    }
    const request = requestFor(command);
    if (request) await send(request, predict);
  };

  for (const command of scenario.commands) await run(command, true);
  problems.push(...model.settle(await quietly(() => storedTransfers(accountIds)), settledPosted));
  return { operations, accountIds, problems, model };
}
