/**
 * A 5-entry transaction (a payer split across four payees, as a marketplace pays a merchant, fees, tax and a
 * referrer) beside the transfer: raw (its `TransactWriteItems`, straight to the SDK, nothing read) and lib (the
 * ledger's `postTransaction`, in this process), each worker on its own payer and payees. Imports the ledger, so it
 * must be loaded after DYNAMODB_ENDPOINT and TABLE_NAME are set.
 */
import { randomUUID } from 'node:crypto';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../lib/config';
import type { Caller } from '../lib/identity/model';
import { createAccount } from '../lib/ledger/accounts';
import { hashRequest, postedRecord } from '../lib/ledger/idempotency';
import type { AccountRecord } from '../lib/ledger/model';
import { accountsAfter, ledgerWrite, planMovement, type Movement } from '../lib/ledger/rules';
import { postTransaction } from '../lib/ledger/transfers';
import { createDocumentClient } from '../lib/storage/client';
import { findAccount } from '../lib/storage/accounts';
import { transactItems } from '../lib/storage/ledger-write';
import type { Operation } from './load';
import { benchCurrency, type AccountPair } from './seed';

/** A payer and the four accounts its split pays. */
export interface SplitSet {
  payerId: string;
  payeeIds: string[];
}

/** Each split moves 4 minor units: one to each payee. */
const payeesCount = 4;

/** Opens three more payees for each of the first `count` pairs (its payee is the fourth), for `owner`. */
export async function seedSplits(owner: Caller, pairs: readonly AccountPair[], count: number): Promise<SplitSet[]> {
  return Promise.all(pairs.slice(0, count).map(async (pair) => {
    const more = await Promise.all(Array.from({ length: payeesCount - 1 }, () => createAccount(owner, { currency: benchCurrency })));
    return { payerId: pair.fromId, payeeIds: [pair.toId, ...more.map((account) => account.id)] };
  }));
}

function movementOf(set: SplitSet): Movement {
  return {
    kind: 'transaction',
    entries: [
      { accountId: set.payerId, direction: 'debit', amount: payeesCount, currency: benchCurrency },
      ...set.payeeIds.map((accountId) => ({ accountId, direction: 'credit' as const, amount: 1, currency: benchCurrency })),
    ],
    description: null,
    metadata: {},
    reverses: null,
  };
}

/** The ledger in this process: `postTransaction` with a fresh key, each worker on its own set. */
export function libSplits(sets: readonly SplitSet[], caller: Caller): Operation {
  return async (worker) => {
    const { entries } = movementOf(sets[worker]!);
    await postTransaction(caller, { entries }, `bench-split-${randomUUID()}`);
  };
}

/**
 * The raw ceiling of a split: the very items the ledger writes for it (five guarded balance updates, the transaction,
 * five entries, the key), planned by the ledger's own rules against the accounts as this process last wrote them, so
 * nothing is read during the phase. `refresh` re-reads them before a phase.
 */
export function rawSplits(sets: readonly SplitSet[], caller: Caller) {
  const client = createDocumentClient();
  let state: AccountRecord[][] = [];
  const refresh = async (): Promise<void> => {
    state = await Promise.all(sets.map((set) => Promise.all([set.payerId, ...set.payeeIds].map(async (id) => (await findAccount(id))!))));
  };
  const op: Operation = async (worker) => {
    const legs = state[worker];
    if (!legs) throw new Error('The raw split driver was not refreshed before its phase.');
    const movement = movementOf(sets[worker]!);
    const initiatedBy = { userId: caller.userId, role: caller.role, requestId: null, sourceIp: null };
    const plan = planMovement(caller, movement, legs, { id: randomUUID(), createdAt: new Date().toISOString(), initiatedBy });
    const record = postedRecord(plan.transaction, hashRequest(movement), config.idempotencyTtlSeconds);
    const idempotency = { ref: { callerId: caller.userId, key: `bench-raw-split-${randomUUID()}` }, record };
    await client.send(new TransactWriteCommand({
      ClientRequestToken: plan.transaction.id,
      TransactItems: transactItems(ledgerWrite([{ ...plan, idempotency }])).items,
    })).catch(async (error: unknown) => {
      // A failed raw write is an error in the results; re-reading keeps the next one valid.
      await refresh();
      throw error;
    });
    state[worker] = accountsAfter(plan);
  };
  return { op, refresh };
}
