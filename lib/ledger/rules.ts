import {
  AccountNotFoundError, assert, BalanceLimitExceededError, CurrencyMismatchError, ForbiddenError, InsufficientFundsError,
  UnbalancedTransactionError,
} from '../errors';
import { usesAdminPower, withoutAdminPower } from '../identity/admin-power';
import type { Caller } from '../identity/model';
import {
  shardName, sweepShardsMax, type AccountChange, type AccountRecord, type EntryRecord, type Initiator, type LedgerWrite,
  type Metadata, type TransactionKind, type TransactionRecord, type TransferPlan,
} from './model';
import { amountMinorMax, type EntryBody, type TransferBody } from './schemas';
import { assertMayCredit, assertMayDebit } from './status';

/*
 * The ledger's rules, as pure functions of records already read: no storage, no clock, no randomness of their own.
 * `transfers.ts` reads, calls these, and writes; the write's conditions make sure the reads are still current when
 * it commits.
 */

/** Whether the caller may see an account: its owner, or an admin with admin power (an MFA session). */
export function canSee(caller: Caller, account: { ownerId: string }): boolean {
  return usesAdminPower(caller) || account.ownerId === caller.userId;
}

/** A plan that posts a transaction: a movement's or a sweep's. */
export type MovementPlan = Omit<TransferPlan, 'idempotency' | 'transaction'> & { transaction: TransactionRecord };

/** What a new transaction is given from outside the rules: its id, its time, and who initiated it. */
export interface Minted {
  id: string;
  createdAt: string;
  initiatedBy: Initiator;
}

/**
 * The largest balance magnitude one shard may hold: all of an account's shards together then stay within
 * `amountMinorMax`, so its balance is always an exact JSON integer.
 */
export function shardLimit(account: Pick<AccountRecord, 'shards'>): number {
  return Math.floor(amountMinorMax / account.shards);
}

/**
 * What a request asks the ledger to move, whatever route it came by: a transfer's two entries, a transaction's 2–20,
 * or a reversal's (the original's, inverted). `reverses` names the transaction a reversal reverses.
 */
export interface Movement {
  kind: Exclude<TransactionKind, 'sweep'>;
  entries: EntryBody[];
  description: string | null;
  metadata: Metadata;
  reverses: string | null;
  /** The hold a capture captures. */
  holdId?: string;
}

/** A transfer as a movement: a debit of the source and a credit of the destination. */
export function transferMovement(input: TransferBody): Movement {
  const { fromAccountId, toAccountId, amount, currency } = input;
  return {
    kind: 'transfer',
    entries: [
      { accountId: fromAccountId, direction: 'debit', amount, currency },
      { accountId: toAccountId, direction: 'credit', amount, currency },
    ],
    description: input.description ?? null,
    metadata: {},
    reverses: null,
  };
}

/**
 * Refuses a movement whose debits and credits differ in any currency: checked before any account is read, since no
 * account can make it right. Each currency balances on its own (an FX conversion is four entries in two currencies).
 */
export function assertMovementBalances(movement: Movement): void {
  const unbalanced = [...netByCurrency(movement.entries)].filter(([, sum]) => sum !== 0).map(([currency]) => currency);
  if (unbalanced.length > 0) throw new UnbalancedTransactionError(unbalanced);
}

/** Each currency's credits less its debits: 0 in every currency for a balanced set of entries. */
function netByCurrency(entries: ReadonlyArray<Pick<EntryBody, 'currency' | 'direction' | 'amount'>>): Map<string, number> {
  const net = new Map<string, number>();
  for (const { currency, direction, amount } of entries) net.set(currency, (net.get(currency) ?? 0) + (direction === 'credit' ? amount : -amount));
  return net;
}

/**
 * Checks every rule of a movement against the shards its entries post to (`legs`, one per entry, as read; `undefined`
 * for an account that does not exist), and builds its transaction. Every debited account must be one the caller may
 * see (money leaves only the caller's own accounts, or any for an admin), and a system account's money moves only by
 * an admin; every credited account must exist. A user account's debit is always planned on shard 0 (the only shard
 * its floor is kept on), so its funds there must cover it; a hot account's caller sweeps its other shards into shard
 * 0 first (`planSweep`) when they do not.
 */
export function planMovement(
  caller: Caller,
  movement: Movement,
  legs: ReadonlyArray<AccountRecord | undefined>,
  minted: Minted,
): MovementPlan {
  assert(legs.length === movement.entries.length, 'a movement is planned against one shard per entry');
  const read = movement.entries.map((entry, index) => {
    const account = legs[index];
    if (!account) throw entry.direction === 'debit' ? withoutAdminPower(caller, new AccountNotFoundError()) : new AccountNotFoundError();
    if (entry.direction === 'debit' && !canSee(caller, account)) throw withoutAdminPower(caller, new AccountNotFoundError());
    if (entry.direction === 'debit' && account.type === 'system' && !usesAdminPower(caller)) {
      throw withoutAdminPower(caller, new ForbiddenError('Only admins move money out of system accounts.'));
    }
    return account;
  });
  // A frozen account takes credits only, a closed one nothing; the write's conditions hold the status as read.
  movement.entries.forEach((entry, index) => (entry.direction === 'debit' ? assertMayDebit(read[index]!) : assertMayCredit(read[index]!)));
  const mismatch = movement.entries.find((entry, index) => read[index]!.currency !== entry.currency);
  if (mismatch) throw new CurrencyMismatchError(mismatch.currency);
  const entries = movement.entries.map((entry, index): EntryRecord => {
    const account = read[index]!;
    assert(entry.direction === 'credit' || account.type === 'system' || account.shard === 0, 'a user account is debited on shard 0, where its floor is kept');
    const balanceAfter = account.balance + (entry.direction === 'credit' ? entry.amount : -entry.amount);
    // The floor is on what is available: what pending holds reserve is not there to spend.
    if (account.type === 'user' && entry.direction === 'debit' && balanceAfter - account.pending < 0) throw new InsufficientFundsError();
    if (Math.abs(balanceAfter) > shardLimit(account)) throw new BalanceLimitExceededError();
    return { ...entry, balanceAfter, shard: shardOfEntry(account), ownerId: account.ownerId };
  });
  const transaction = transactionOf(movement.kind, entries, minted, {
    description: movement.description, metadata: movement.metadata, reverses: movement.reverses, holdId: movement.holdId ?? null,
  });
  assertBalanced(transaction);
  return { transaction, at: transaction.createdAt, legs: read };
}

/** Checks every rule of a transfer and builds its transaction: the movement of its two entries. */
export function planTransfer(
  caller: Caller,
  input: TransferBody,
  from: AccountRecord | undefined,
  to: AccountRecord | undefined,
  minted: Minted,
): MovementPlan {
  return planMovement(caller, transferMovement(input), [from, to], minted);
}

/**
 * A transaction record of `entries`: its `amount` is the sum of its debits, and a transaction of one debit and one
 * credit in one currency also names them (`fromAccountId`, `toAccountId`, `currency`).
 */
function transactionOf(
  kind: TransactionKind,
  entries: EntryRecord[],
  minted: Minted,
  fields: Pick<TransactionRecord, 'description' | 'metadata' | 'reverses' | 'holdId'>,
): TransactionRecord {
  const debits = entries.filter((entry) => entry.direction === 'debit');
  const credits = entries.filter((entry) => entry.direction === 'credit');
  const pair = debits.length === 1 && credits.length === 1 && debits[0]!.currency === credits[0]!.currency;
  return {
    id: minted.id,
    kind,
    status: 'posted',
    amount: debits.reduce((sum, entry) => sum + entry.amount, 0),
    currency: pair ? debits[0]!.currency : null,
    fromAccountId: pair ? debits[0]!.accountId : null,
    toAccountId: pair ? credits[0]!.accountId : null,
    ...fields,
    createdAt: minted.createdAt,
    entries,
    reversedAmount: 0,
    reversalIds: [],
    initiatedBy: minted.initiatedBy,
  };
}

/** An entry names its shard only on an account of several. */
function shardOfEntry(account: AccountRecord): number | null {
  return account.shards > 1 ? account.shard : null;
}

/**
 * What a sweep comes to: the debit is more than shard 0 may ever hold, the shards hold too little in all, shard 0
 * already covers the debit, or this sweep.
 */
export type Sweep =
  | { kind: 'too_large' }
  | { kind: 'insufficient' }
  | { kind: 'covered' }
  | { kind: 'sweep'; plan: MovementPlan };

/**
 * A sweep of a hot user account: moves funds from its other shards into shard 0 until shard 0 holds `needed`, taking
 * the fullest shards first (whole, so later debits need fewer sweeps; the last one only as far as shard 0's limit
 * allows), at most `sweepShardsMax` at once (a debit that needs more sweeps again). `shards` is every shard of the
 * account, read together (`readShards`). When all the shards together hold less than `needed`, the debit is refused for
 * funds, exactly as on an account of one shard.
 */
export function planSweep(shards: readonly AccountRecord[], needed: number, minted: Minted): Sweep {
  const main = shards.find((shard) => shard.shard === 0);
  assert(main !== undefined && main.shards === shards.length && main.shards > 1, 'a sweep reads every shard of a hot account');
  assert(main.type === 'user', 'only a user account has a floor to sweep for');
  if (main.balance >= needed) return { kind: 'covered' };
  const total = shards.reduce((sum, shard) => sum + shard.balance, 0);
  if (total < needed) return { kind: 'insufficient' };
  if (needed > shardLimit(main)) return { kind: 'too_large' };
  // Room for at least `needed − main.balance`, since `needed` is within shard 0's limit.
  const room = shardLimit(main) - main.balance;
  const fullest = shards.filter((shard) => shard.shard !== 0 && shard.balance > 0)
    .sort((a, b) => b.balance - a.balance)
    .slice(0, sweepShardsMax);
  const legs: AccountRecord[] = [];
  const entries: EntryRecord[] = [];
  let moved = 0;
  for (const shard of fullest) {
    if (main.balance + moved >= needed) break;
    const amount = Math.min(shard.balance, room - moved);
    legs.push(shard);
    entries.push({
      accountId: main.id, direction: 'debit', amount, currency: main.currency, balanceAfter: shard.balance - amount, shard: shard.shard, ownerId: main.ownerId,
    });
    moved += amount;
  }
  legs.push(main);
  entries.push({
    accountId: main.id, direction: 'credit', amount: moved, currency: main.currency, balanceAfter: main.balance + moved, shard: 0, ownerId: main.ownerId,
  });
  const transaction = transactionOf('sweep', entries, minted, { description: null, metadata: {}, reverses: null, holdId: null });
  assertBalanced(transaction);
  return { kind: 'sweep', plan: { transaction, at: transaction.createdAt, legs } };
}

/**
 * The shards as a plan leaves them: what the next plan of a batch on them is planned against. A shard whose pending
 * the plan changes and whose entries it posts is the leg, which is planned after the change.
 */
export function accountsAfter({ transaction, legs, pendingChanges = [], at }: Omit<TransferPlan, 'idempotency'>): AccountRecord[] {
  const posted = legs.map((leg, index) => ({
    ...leg, balance: transaction!.entries[index]!.balanceAfter, seq: leg.seq + 1, updatedAt: at,
  }));
  const held = pendingChanges
    .filter(({ account }) => !legs.some((leg) => leg.id === account.id && leg.shard === account.shard))
    .map(({ account, delta }) => ({ ...account, pending: account.pending + delta, updatedAt: at }));
  return [...held, ...posted];
}

/**
 * In each currency debits equal credits, `amount` is the sum of the debits, and every entry moves a positive integer
 * amount. A failure here is a bug: the rules refuse an unbalanced movement before it is planned.
 */
export function assertBalanced(txn: TransactionRecord): void {
  assert(txn.entries.every(({ amount }) => Number.isSafeInteger(amount) && amount > 0), 'every entry moves a positive integer amount');
  assert([...netByCurrency(txn.entries).values()].every((sum) => sum === 0), 'a transaction debits exactly what it credits, in each currency');
  const debits = txn.entries.filter((e) => e.direction === 'debit').reduce((sum, e) => sum + e.amount, 0);
  assert(debits === txn.amount && Number.isSafeInteger(txn.amount) && txn.amount > 0, 'a transaction\'s amount is the sum of its debits');
}

/**
 * The one write of a batch of plans: each shard's change summed once, in the order the plans first touch the shards.
 * Asserts that the plans chain: every entry starts from the state the previous one on that shard left, so the
 * entries' sequence numbers and balances run on without gaps.
 */
export function ledgerWrite(plans: readonly TransferPlan[]): LedgerWrite {
  assert(plans.length > 0, 'a ledger write holds at least one transaction');
  const changes = new Map<string, AccountChange>();
  const changeOf = (shard: AccountRecord): AccountChange => {
    const name = shardName(shard.id, shard.shard);
    const change = changes.get(name) ?? { read: shard, deltaMinor: 0, entries: 0, sweeps: 0, debits: 0, pendingDelta: 0 };
    assert(shard.seq === change.read.seq + change.entries, 'a batch\'s entries chain on each shard\'s sequence');
    assert(shard.balance === change.read.balance + change.deltaMinor, 'a batch\'s entries chain on each shard\'s balance');
    assert(shard.pending === change.read.pending + change.pendingDelta, 'a batch\'s holds chain on each shard\'s pending');
    changes.set(name, change);
    return change;
  };
  for (const { transaction: txn, legs, pendingChanges = [] } of plans) {
    for (const { account, delta } of pendingChanges) {
      assert(account.shard === 0 || account.type === 'system', 'a user account\'s holds are reserved on shard 0, where its floor is');
      const change = changeOf(account);
      change.pendingDelta += delta;
      // Placing a hold takes money out of what the account may spend: like a debit, only an active account may.
      if (delta > 0) change.debits += 1;
    }
    const entries = txn?.entries ?? [];
    assert(legs.length === entries.length, 'a plan names the shard of each entry');
    entries.forEach((entry, index) => {
      const leg = legs[index]!;
      assert(leg.id === entry.accountId, 'each entry posts to its own account\'s shard');
      const change = changeOf(leg);
      change.deltaMinor += entry.direction === 'credit' ? entry.amount : -entry.amount;
      change.entries += 1;
      if (entry.direction === 'debit') change.debits += 1;
      if (txn!.kind === 'sweep' && entry.direction === 'credit') change.sweeps += 1;
    });
  }
  return { accounts: [...changes.values()], transfers: [...plans] };
}
