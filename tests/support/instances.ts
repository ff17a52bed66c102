import { AppError } from '../../lib/errors';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LedgerDriver } from './drivers';

/*
 * The Lambda model inside one test process: several copies of the ledger, each loaded on its own (its own module
 * state, group-commit queue and DynamoDB client), each serving one request at a time, as Lambda instances do. A
 * request goes to a free instance, or waits for the first one to come free.
 */

/** The parts of one ledger copy a driver uses. */
export type Ledger = {
  transfer: typeof import('../../lib/ledger/transfers').transfer;
  createAccount: typeof import('../../lib/ledger/accounts').createAccount;
  db: DynamoDBDocumentClient;
};

/** One copy of the ledger, loaded apart from every other module registry, by jest. */
function loadInstance(): Ledger {
  let ledger: Ledger | undefined;
  jest.isolateModules(() => {
    ledger = {
      transfer: require('../../lib/ledger/transfers').transfer,
      createAccount: require('../../lib/ledger/accounts').createAccount,
      db: require('../../lib/storage/client').db,
    };
  });
  return ledger!;
}

/**
 * A driver over `count` ledger instances; `clients` are theirs, to install fault models on. Outside jest (the soak),
 * `load` is another way to load a copy of its own.
 */
export function instancesDriver(count: number, load: () => Ledger = loadInstance): LedgerDriver & { unexpected: Error[]; clients: DynamoDBDocumentClient[] } {
  const instances = Array.from({ length: count }, load);
  const free = [...instances];
  const waiting: Array<(instance: Ledger) => void> = [];
  const unexpected: Error[] = [];
  const serve = async <T>(work: (instance: Ledger) => Promise<T>): Promise<T> => {
    const instance = free.pop() ?? (await new Promise<Ledger>((resolve) => waiting.push(resolve)));
    try {
      return await work(instance);
    } finally {
      const next = waiting.shift();
      if (next) next(instance);
      else free.push(instance);
    }
  };
  return {
    unexpected,
    clients: instances.map((instance) => instance.db),
    openAccount: (caller, body) => serve((instance) => instance.createAccount(caller, body)),
    transfer: (caller, body, key) => serve(async (instance) => {
      try {
        const result = await instance.transfer(caller, body, key);
        return { status: 201, transactionId: result.transaction.id, replayed: result.replayed };
      } catch (error) {
        // Each copy has its own error classes, so an expected error is told by its shape, not by `instanceof`.
        const known = error as Partial<AppError>;
        if (typeof known.code === 'string' && typeof known.status === 'number' && known.status < 600) {
          return { status: known.status, code: known.code };
        }
        unexpected.push(error as Error);
        return { status: 500, code: 'internal_error' };
      }
    }),
  };
}
