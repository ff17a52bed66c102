import fc from 'fast-check';
import type { Caller } from '../../lib/identity/model';
import { changeAccountStatus } from '../../lib/ledger/account-changes';
import { createAccount, getBalance } from '../../lib/ledger/accounts';
import type { CurrencyCode } from '../../lib/ledger/currencies';
import { expireHold } from '../../lib/ledger/hold-expiry';
import type { HoldRecord } from '../../lib/ledger/hold-model';
import { captureHold, placeHold, voidHold } from '../../lib/ledger/holds';
import { findHold } from '../../lib/storage/holds';
import { reconcileAccounts } from '../../lib/ledger/reconcile';
import { reverseTransaction } from '../../lib/ledger/reversals';
import type { AccountView, TransactionView } from '../../lib/ledger/schemas';
import { getTransaction } from '../../lib/ledger/transaction-read';
import { postTransaction, transfer } from '../../lib/ledger/transfers';

/*
 * Random multi-entry transactions and reversals through the ledger's own code, for the property test and the soak:
 * splits in two currencies (some unbalanced), partial and full reversals, several reversals of one transaction at
 * once, retries under one key, holds placed, captured (in part, twice at once), voided and expired by the sweep, and
 * freezes, unfreezes and closes racing them, in concurrent batches. Every request is keyed, so an answer whose outcome is unknown
 * (a 503) is settled by sending it again under its key, as a client must.
 */

const currencies: CurrencyCode[] = ['USD', 'EUR'];
/** Funded user accounts per currency; one more starts empty, so that closing it can succeed. */
const accountsPerCurrency = 4;
const fundsMinor = 1_000;
const settleSendsMax = 10;

const legArb = fc.record({
  currency: fc.constantFrom(0, 1),
  account: fc.nat({ max: accountsPerCurrency }),
  debit: fc.boolean(),
  amount: fc.integer({ min: 1, max: 400 }),
});

const commandArb = fc.oneof(
  fc.record({ kind: fc.constant('transaction' as const), legs: fc.array(legArb, { minLength: 1, maxLength: 4 }), skew: fc.boolean(), copies: fc.integer({ min: 1, max: 2 }) }),
  fc.record({ kind: fc.constant('reversal' as const), of: fc.nat(), amount: fc.option(fc.integer({ min: 1, max: 500 })), copies: fc.integer({ min: 1, max: 4 }) }),
  // A freeze, an unfreeze or a close racing the movements of its batch.
  fc.record({
    kind: fc.constant('status' as const), currency: fc.constantFrom(0, 1), account: fc.nat({ max: accountsPerCurrency }),
    action: fc.constantFrom('freeze' as const, 'unfreeze' as const, 'close' as const),
  }),
  // A hold out of a user account to its currency's system account; a short one expires within the run.
  fc.record({
    kind: fc.constant('hold' as const), currency: fc.constantFrom(0, 1), account: fc.nat({ max: accountsPerCurrency }),
    amount: fc.integer({ min: 1, max: 600 }), short: fc.boolean(), copies: fc.integer({ min: 1, max: 2 }),
  }),
  // Captures of one hold sent at once (under one key, or two), its void, and the expiry sweep.
  fc.record({ kind: fc.constant('capture' as const), of: fc.nat(), amount: fc.option(fc.integer({ min: 1, max: 600 })), copies: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('void' as const), of: fc.nat() }),
  fc.record({ kind: fc.constant('sweep' as const) }),
);

/** Batches of commands; the commands of one batch run at once. */
export const movementsArb = fc.array(fc.array(commandArb, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 8 });
export type Movements = typeof movementsArb extends fc.Arbitrary<infer T> ? T : never;

interface Ledger {
  admin: Caller;
  accounts: Array<{ system: AccountView; users: AccountView[] }>;
}

/** What a run found: operations sent, answers by status and code, and every broken expectation. */
export interface MovementsRun {
  operations: number;
  outcomes: Record<string, number>;
  problems: string[];
}

/**
 * Runs `batches` on accounts of their own, then checks: every balance is the sum of the entries the answers said
 * posted, no transaction is reversed beyond its amount, and the accounts reconcile. `quietly` runs a read or a
 * settling retry without injected faults.
 */
export async function runMovements(
  batches: Movements,
  quietly: <T>(fn: () => Promise<T>) => Promise<T> = (fn) => fn(),
): Promise<MovementsRun> {
  const ledger = await quietly(() => openLedger());
  const expected = new Map<string, number>();
  for (const { system, users } of ledger.accounts) {
    expected.set(system.id, -fundsMinor * accountsPerCurrency);
    users.forEach((user, index) => expected.set(user.id, index < accountsPerCurrency ? fundsMinor : 0));
  }
  const run: MovementsRun = { operations: 0, outcomes: {}, problems: [] };
  const originals: TransactionView[] = [];
  const seen = new Set<string>();
  const apply = (txn: TransactionView) => {
    if (seen.has(txn.id)) return;
    seen.add(txn.id);
    for (const e of txn.entries) expected.set(e.accountId, expected.get(e.accountId)! + (e.direction === 'credit' ? e.amount : -e.amount));
    if (txn.type !== 'reversal') originals.push(txn);
  };
  const holds: HoldRecord[] = [];
  const held = (hold: HoldRecord) => {
    if (!holds.some((other) => other.id === hold.id)) holds.push(hold);
  };
  let keys = 0;
  for (const batch of batches) {
    const sends = batch.flatMap((command): Array<() => Promise<Answered | undefined>> => {
      const key = `m-${(keys += 1)}`;
      if (command.kind === 'status') {
        const account = ledger.accounts[command.currency]!.users[command.account]!;
        return [() => changeAccountStatus(ledger.admin, account.id, command.action).then(() => undefined)];
      }
      if (command.kind === 'hold') {
        const { system, users } = ledger.accounts[command.currency]!;
        const body = {
          fromAccountId: users[command.account]!.id, toAccountId: system.id, amount: command.amount, currency: currencies[command.currency]!,
          ...(command.short ? { expiresInSeconds: 1 } : {}),
        };
        return Array.from({ length: command.copies }, () => () => placeHold(ledger.admin, body, key).then(({ hold }) => ({ hold })));
      }
      // The expiry sweep of this run's own holds: a sweep of the whole table would also expire the holds of runs in
      // flight beside this one (the soak runs several), under their reconciliation's reads, which are no snapshot.
      if (command.kind === 'sweep') {
        return [async () => {
          await Promise.all(holds.filter((hold) => Date.parse(hold.expiresAt) <= Date.now()).map(expireHold));
          return undefined;
        }];
      }
      const holdOf = (of: number) => holds[of % Math.max(holds.length, 1)];
      if (command.kind === 'void') {
        const hold = holdOf(command.of);
        return hold ? [() => voidHold(ledger.admin, hold.id).then(() => undefined)] : [];
      }
      if (command.kind === 'capture') {
        const hold = holdOf(command.of);
        if (!hold) return [];
        const body = command.amount === null ? {} : { amount: command.amount };
        return Array.from({ length: command.copies }, (_, copy) => () => captureHold(ledger.admin, hold.id, body, copy % 2 === 0 ? key : `${key}-${copy}`));
      }
      if (command.kind === 'transaction') {
        const body = { entries: entriesOf(ledger, command.legs, command.skew) };
        return Array.from({ length: command.copies }, () => () => postTransaction(ledger.admin, body, key));
      }
      const original = originals[command.of % Math.max(originals.length, 1)];
      if (!original) return [];
      const body = command.amount === null ? {} : { amount: command.amount };
      return Array.from({ length: command.copies }, (_, copy) => {
        const copyKey = copy % 2 === 0 ? key : `${key}-${copy}`;
        return () => reverseTransaction(ledger.admin, original.id, body, copyKey);
      });
    });
    run.operations += sends.length;
    const outcomes = await Promise.allSettled(sends.map((send) => settled(send, quietly)));
    for (const outcome of outcomes) {
      if (outcome.status === 'fulfilled') {
        const name = outcome.value ? (outcome.value.transaction ? '201' : '201 hold') : '200 status';
        run.outcomes[name] = (run.outcomes[name] ?? 0) + 1;
        if (outcome.value?.transaction) apply(outcome.value.transaction);
        if (outcome.value?.hold) held(outcome.value.hold);
        continue;
      }
      const { status, code } = outcome.reason as { status?: number; code?: string };
      run.outcomes[`${status} ${code}`] = (run.outcomes[`${status} ${code}`] ?? 0) + 1;
      if (status === undefined || status >= 500) run.problems.push(`unexpected: ${String(outcome.reason)}`);
    }
  }
  await quietly(async () => {
    for (const [accountId, balance] of expected) {
      const real = (await getBalance(ledger.admin, accountId)).balance;
      if (real !== balance) run.problems.push(`account ${accountId}: balance ${real}, posted entries sum to ${balance}`);
    }
    // What holds reserve is what the holds still pending (as stored) add up to, on each account.
    const pending = new Map<string, number>();
    for (const { id } of holds) {
      const hold = (await findHold(id))!;
      if (hold.status === 'pending') pending.set(hold.fromAccountId, (pending.get(hold.fromAccountId) ?? 0) + hold.amount);
    }
    for (const accountId of expected.keys()) {
      const real = (await getBalance(ledger.admin, accountId)).pending;
      if (real !== (pending.get(accountId) ?? 0)) run.problems.push(`account ${accountId}: pending ${real}, its pending holds reserve ${pending.get(accountId) ?? 0}`);
    }
    for (const txn of originals) {
      const debits = txn.entries.filter((e) => e.direction === 'debit').reduce((sum, e) => sum + e.amount, 0);
      const now = await getTransaction(ledger.admin, txn.id);
      if (now.reversedAmount > debits) run.problems.push(`transaction ${txn.id}: reversed ${now.reversedAmount} of ${debits}`);
    }
    const report = await reconcileAccounts(expected.keys());
    run.problems.push(...report.violations.map((v) => `[${v.check}] ${v.subject}: ${v.detail}`));
  });
  return run;
}

/** What a request answered: a transaction posted (a capture's too), or a hold placed. */
interface Answered {
  transaction?: TransactionView;
  hold?: HoldRecord;
}

/** Sends a keyed request; while its outcome is unknown (a 503), sends it again under its key, without faults. */
async function settled<T>(send: () => Promise<T>, quietly: <R>(fn: () => Promise<R>) => Promise<R>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    if ((error as { status?: number }).status !== 503) throw error;
  }
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await quietly(send);
    } catch (error) {
      if ((error as { status?: number }).status !== 503 || attempt >= settleSendsMax) throw error;
    }
  }
}

/** Per currency, a system account and user accounts funded with `fundsMinor` each, owned by one user. */
async function openLedger(): Promise<Ledger> {
  const admin: Caller = { userId: `admin-${Math.random().toString(36).slice(2)}`, role: 'admin', mfa: true };
  const owner: Caller = { userId: `owner-${Math.random().toString(36).slice(2)}`, role: 'user', mfa: false };
  const accounts = await Promise.all(currencies.map(async (currency) => {
    const system = await createAccount(admin, { currency, type: 'system' });
    const users = await Promise.all(Array.from({ length: accountsPerCurrency + 1 }, () => createAccount(owner, { currency })));
    for (const user of users.slice(0, accountsPerCurrency)) {
      await transfer(admin, { fromAccountId: system.id, toAccountId: user.id, amount: fundsMinor, currency });
    }
    return { system, users };
  }));
  return { admin, accounts };
}

type Leg = { currency: number; account: number; debit: boolean; amount: number };

/**
 * The entries of a generated transaction: each leg moves its amount between a user account and its currency's
 * system account; an account appears once (its first leg), and each currency's system entry is set to what balances
 * it, unless `skew` leaves it as generated (most often unbalanced).
 */
function entriesOf(ledger: Ledger, legs: Leg[], skew: boolean) {
  const entries = legs.flatMap((leg) => {
    const { system, users } = ledger.accounts[leg.currency]!;
    const [debited, credited] = leg.debit ? [users[leg.account]!, system] : [system, users[leg.account]!];
    const currency = currencies[leg.currency]!;
    return [
      { accountId: debited.id, direction: 'debit' as const, amount: leg.amount, currency },
      { accountId: credited.id, direction: 'credit' as const, amount: leg.amount, currency },
    ];
  });
  const unique = entries.filter((entry, index) => entries.findIndex((other) => other.accountId === entry.accountId) === index);
  if (skew) return unique;
  const net = new Map<string, number>();
  for (const e of unique) net.set(e.currency, (net.get(e.currency) ?? 0) + (e.direction === 'credit' ? e.amount : -e.amount));
  const systems = new Set(ledger.accounts.map(({ system }) => system.id));
  return unique
    .map((e) => (systems.has(e.accountId) ? { ...e, amount: e.amount - (e.direction === 'credit' ? net.get(e.currency)! : -net.get(e.currency)!) } : e))
    .filter((e) => e.amount > 0);
}
