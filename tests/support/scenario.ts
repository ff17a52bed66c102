import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Caller } from '../../lib/identity/model';
import type { CurrencyCode } from '../../lib/ledger/currencies';
import type { TransferBody } from '../../lib/ledger/schemas';
import { reconcileTable } from '../../lib/ledger/reconcile';
import { balancesOf, storedTransfers, type LedgerDriver } from './drivers';
import { storeUser } from './ledger-fixtures';
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
  /** User accounts; `shards` > 1 makes a hot one (opened by an admin for its owner). */
  accounts: Array<{ owner: number; currency: number; shards: number }>;
  commands: Command[];
}

export const scenarioCurrencies: CurrencyCode[] = ['USD', 'EUR', 'JPY'];
const usersCount = 3;
/** The shards of a scenario's hot accounts: its USD system account, and some user accounts. */
const hotShards = 4;

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
    accounts: fc.array(fc.record({
      owner: fc.nat({ max: usersCount - 1 }), currency: fc.nat({ max: 2 }), shards: fc.constantFrom(1, 1, hotShards),
    }), { minLength: 2, maxLength: 6 }),
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
  const run = new ScenarioRun(driver, options.quietly ?? (<T>(read: () => Promise<T>) => read()));
  for (const currency of scenarioCurrencies) {
    run.system.set(currency, await run.open(run.admin, currency, 'system', currency === 'USD' ? hotShards : 1));
  }
  for (const spec of scenario.accounts) await run.open(run.users[spec.owner]!, scenarioCurrencies[spec.currency]!, 'user', spec.shards);
  for (const command of scenario.commands) await run.run(command, true);
  run.problems.push(...run.model.settle(await run.quietly(() => storedTransfers(run.accountIds)), run.settledPosted));
  return { operations: run.operations, accountIds: run.accountIds, problems: run.problems, model: run.model };
}

/**
 * Everything wrong after a run on a table of its own: what the run found as it went, balances the model does not
 * predict, every broken invariant of the whole table, and every error that would have been a 500.
 */
export async function problemsAfter(run: RunResult, unexpected: readonly Error[]): Promise<string[]> {
  const balances = run.model.compareBalances(await balancesOf(run.accountIds));
  const report = await reconcileTable();
  return [
    ...run.problems,
    ...balances,
    ...report.violations.map((v) => `[${v.check}] ${v.subject}: ${v.detail}`),
    ...unexpected.map((e) => `unexpected ${e.name}: ${e.message}`),
  ];
}

/** One run's state: its callers and accounts, the model, the keys bound so far, and what it found wrong. */
class ScenarioRun {
  readonly tag = randomUUID().slice(0, 8);
  readonly model = new LedgerModel();
  readonly problems: string[] = [];
  readonly admin: Caller = { userId: `admin-${this.tag}`, role: 'admin', mfa: true };
  readonly users: Caller[] = Array.from({ length: usersCount }, (_, i) => ({ userId: `user${i}-${this.tag}`, role: 'user', mfa: false }));
  readonly system = new Map<CurrencyCode, string>();
  readonly accountIds: string[] = [];
  readonly settledPosted = new Set<string>();
  /** Each key's first body and what a repeat of it answers: `replayed`, a refusal's code, or `unknown` after a 5xx. */
  private readonly keysBound = new Map<string, { body: string; outcome: string }>();
  private readonly keyed: Request[] = [];
  private readonly applied = new Set<string>();
  operations = 0;

  constructor(private readonly driver: LedgerDriver, readonly quietly: <T>(read: () => Promise<T>) => Promise<T>) {}

  /** Opens an account for `owner`; a hot one (`shards` > 1) is opened by the admin, as only admins may. */
  async open(owner: Caller, currency: CurrencyCode, type: 'user' | 'system', shards = 1): Promise<string> {
    const body = { currency, type, name: `${type} ${currency}`, shards };
    // Opening accounts sets the stage: it runs without injected faults, like the checker's own reads.
    const account = await this.quietly(async () => {
      if (shards === 1 || owner === this.admin) return this.driver.openAccount(owner, body);
      await storeUser(owner);
      return this.driver.openAccount(this.admin, { ...body, ownerId: owner.userId });
    });
    this.model.addAccount({ id: account.id, ownerId: owner.userId, type, currency, shards });
    this.accountIds.push(account.id);
    return account.id;
  }

  /** Runs one command; outside a batch (`predict`), its answer is checked against the model's prediction. */
  async run(command: Command, predict: boolean): Promise<void> {
    if (command.kind === 'open') {
      this.operations += 1;
      await this.open(this.users[command.owner]!, scenarioCurrencies[command.currency]!, 'user');
      return;
    }
    if (command.kind === 'batch') {
      const requests = command.commands.map((c) => (c.kind === 'open' || c.kind === 'batch' ? undefined : this.requestFor(c)));
      await Promise.all(requests.map((r) => (r ? this.send(r, false) : Promise.resolve())));
      return;
    }
    const request = this.requestFor(command);
    if (request) await this.send(request, predict);
  }

  private async send(request: Request, predict: boolean): Promise<void> {
    this.operations += 1;
    const { caller, body, key } = request;
    const keyName = `${caller.userId}#${key}`;
    const bound = key === undefined ? undefined : this.keysBound.get(keyName);
    // A key binds the first outcome that reached the rules: the posted transfer or a 422 refusal. One whose binding
    // a fault left unknown is not predicted.
    const expected = bound ? (bound.outcome === 'unknown' || bound.body === JSON.stringify(body) ? bound.outcome : 'idempotency_key_reused')
      : body.fromAccountId === body.toAccountId ? 'same_account'
      : this.model.predict(caller, body);
    const outcome = await this.driver.transfer(caller, body, key);
    this.model.record(body.description, { from: body.fromAccountId, to: body.toAccountId, amount: body.amount }, outcome);
    let posted = outcome.status === 201 && !outcome.replayed;
    if (outcome.status >= 500) posted = await this.settle(body);
    if (posted && !this.applied.has(body.description)) {
      this.applied.add(body.description);
      this.model.apply(body.fromAccountId, body.toAccountId, body.amount);
    }
    if (key !== undefined && (!bound || bound.outcome === 'unknown')) {
      const binds = posted || outcome.status === 201 ? 'replayed'
        : outcome.status === 422 && outcome.code !== 'idempotency_key_reused' ? outcome.code!
        : outcome.status >= 500 ? 'unknown' : undefined;
      if (binds) this.keysBound.set(keyName, { body: JSON.stringify(body), outcome: binds });
    }
    const actual = outcome.status === 201 ? (outcome.replayed ? 'replayed' : 'posted') : outcome.code;
    if (predict && expected !== 'unknown' && outcome.status < 500 && actual !== expected) {
      this.problems.push(`${body.description}: expected ${expected}, got ${actual} (${outcome.status})`);
    }
  }

  /** A 5xx left the outcome unknown: read whether the transfer is stored (and remember, for the final check). */
  private async settle(body: Request['body']): Promise<boolean> {
    const stored = await this.quietly(() => storedTransfers([body.fromAccountId]));
    const found = stored.some((txn) => txn.description === body.description);
    if (found) this.settledPosted.add(body.description);
    return found;
  }

  private requestFor(command: Command): Request | undefined {
    const description = `${this.tag}/${this.operations + this.keyed.length}/${randomUUID().slice(0, 6)}`;
    if (command.kind === 'fund') return this.fundRequest(command, description);
    if (command.kind === 'transfer') return this.transferRequest(command, description);
    if (command.kind === 'repeat' && this.keyed.length > 0) {
      const original = this.keyed[command.of % this.keyed.length]!;
      if (command.sameBody) return original;
      const amount = original.body.amount < Number.MAX_SAFE_INTEGER ? original.body.amount + 1 : original.body.amount - 1;
      return { ...original, body: { ...original.body, amount, description } };
    }
    return undefined;
  }

  private fundRequest(command: Extract<Command, { kind: 'fund' }>, description: string): Request {
    const userAccounts = this.accountIds.filter((id) => this.model.accounts.get(id)!.type === 'user');
    const to = this.model.accounts.get(pick(userAccounts, command.to))!;
    const body = { fromAccountId: this.system.get(to.currency)!, toAccountId: to.id, amount: command.amount, currency: to.currency, description };
    return { caller: this.admin, body };
  }

  private transferRequest(command: Extract<Command, { kind: 'transfer' }>, description: string): Request {
    const from = this.model.accounts.get(pick(this.accountIds, command.from))!;
    // Mostly between accounts of one currency; a "wrong currency" transfer picks any account and names another.
    // Now and then the source itself, to exercise same_account.
    const sameCurrency = this.accountIds.filter((id) => this.model.accounts.get(id)!.currency === from.currency
      && (id !== from.id || command.to % 10 === 0));
    const to = pick(command.wrongCurrency || sameCurrency.length === 0 ? this.accountIds : sameCurrency, command.to);
    const owner = this.users.find((u) => u.userId === from.ownerId) ?? this.admin;
    const caller = command.by === 'admin' ? this.admin
      : command.by === 'stranger' ? this.users[(this.users.indexOf(owner) + 1) % this.users.length]! : owner;
    const currency = command.wrongCurrency && command.amount % 2 === 0
      ? scenarioCurrencies.find((c) => c !== from.currency)!
      : from.currency;
    const request: Request = {
      caller,
      body: { fromAccountId: from.id, toAccountId: to, amount: command.amount, currency, description },
      key: command.key ? `key-${description}` : undefined,
    };
    if (request.key) this.keyed.push(request);
    return request;
  }
}

/** The element `index` points at, wrapping around. */
function pick(list: readonly string[], index: number): string {
  return list[index % list.length]!;
}
