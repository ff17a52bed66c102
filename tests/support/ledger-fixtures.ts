import { randomUUID } from 'node:crypto';
import { QueryCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../../lib/config';
import { EmailTakenError } from '../../lib/errors';
import type { Caller, UserRecord } from '../../lib/identity/model';
import { openSession } from '../../lib/identity/sessions';
import { createAccount } from '../../lib/ledger/accounts';
import { transfer } from '../../lib/ledger/transfers';
import type { AccountView } from '../../lib/ledger/schemas';
import type { CurrencyCode } from '../../lib/ledger/currencies';
import { db } from '../../lib/storage/client';
import { keys } from '../../lib/storage/keys';
import { insertUser } from '../../lib/storage/users';
import { caught } from './caught';

/**
 * A caller that exists only in tokens: enough for the ledger, which never reads the user for one's own accounts. An
 * admin holds admin power (a session opened with MFA) unless `mfa` says otherwise.
 */
export function newCaller(role: Caller['role'] = 'user', mfa = role === 'admin'): Caller {
  return { userId: randomUUID(), role, mfa };
}

/** A caller with a stored user record (with a placeholder hash: these users never log in). */
export async function newUser(role: Caller['role'] = 'user'): Promise<Caller> {
  const caller = newCaller(role);
  await storeUser(caller);
  return caller;
}

/** An admin and a system account in `currency`, to fund user accounts from. */
export async function newBank(currency: CurrencyCode = 'USD') {
  const admin = newCaller('admin');
  const system = await createAccount(admin, { currency, type: 'system', name: 'Bank' });
  const fund = async (account: AccountView, amount: number) =>
    transfer(admin, { fromAccountId: system.id, toAccountId: account.id, amount, currency });
  return { admin, system, fund };
}

/** A payer with `funds` (in USD) in a wallet, funded by a bank, and a merchant with a shop account: each its own owner. */
export async function newCheckout(funds: number) {
  const bank = await newBank();
  const payer = newCaller();
  const merchant = newCaller();
  const wallet = await createAccount(payer, { currency: 'USD' });
  const shop = await createAccount(merchant, { currency: 'USD' });
  await bank.fund(wallet, funds);
  return { bank, payer, merchant, wallet, shop };
}

/** Everything stored under an account's partition (the account and its entries), for before/after comparisons. */
export async function partition(accountId: string): Promise<Record<string, unknown>[]> {
  const result = await db.send(new QueryCommand({
    TableName: config.tableName,
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': keys.account(accountId).pk },
    ConsistentRead: true,
  }));
  return result.Items ?? [];
}

/** Whether an idempotency record exists for a caller's key. */
export async function idempotencyRecordExists(callerId: string, key: string): Promise<boolean> {
  const result = await db.send(new GetCommand({ TableName: config.tableName, Key: keys.idempotency(callerId, key), ConsistentRead: true }));
  return result.Item !== undefined;
}

/** Runs `fn` and returns the error it throws (failing if it does not throw), as the ledger's errors look. */
export async function errorOf(fn: () => Promise<unknown>): Promise<{ code?: string; status?: number }> {
  return (await caught(fn)) as { code?: string; status?: number };
}

/**
 * An access token of a new session of `caller`, stored as a user first if it is not one yet: the API reads every
 * caller's standing and session from the table, so a token for a user or session that does not exist is refused.
 * The session is opened with MFA when `caller.mfa` says so, as if its login had proved a code.
 */
export async function tokenOfStoredUser(caller: Caller): Promise<string> {
  return (await openSession(await storeUser(caller), caller.mfa)).accessToken;
}

/**
 * Stores `caller` as a user (with a placeholder hash: it never logs in), unless it is stored already; answers the user
 * as a new one is stored.
 */
export async function storeUser(caller: Caller): Promise<UserRecord> {
  const user: UserRecord = {
    id: caller.userId, email: `${caller.userId}@example.com`, name: null, role: caller.role, passwordHash: 'unused',
    disabled: false, sessionGeneration: 0, totp: null, pendingTotpSecret: null, createdAt: new Date().toISOString(),
  };
  try {
    await insertUser(user);
  } catch (error) {
    if (!(error instanceof EmailTakenError)) throw error;
  }
  return user;
}
