import { join, resolve } from 'node:path';
import type { Ledger } from '../../tests/support/instances';

const libDir = join(resolve(__dirname, '../..'), 'lib');

/**
 * One copy of the ledger with module state of its own (queue, DynamoDB client, configuration), outside jest: what
 * `jest.isolateModules` does for tests/support/instances.ts, done with Node's module cache. Every module under lib/
 * is taken out of the cache, the ledger is required afresh, and the cache is put back as it was, so the copy shares
 * nothing of lib/ with this process or with another copy (packages such as the AWS SDK are shared, as their code
 * holds no state of ours).
 */
export function loadIsolatedLedger(): Ledger {
  const cache = require.cache;
  const kept = Object.entries(cache).filter(([path]) => path.startsWith(libDir));
  for (const [path] of kept) delete cache[path];
  try {
    return {
      transfer: require('../../lib/ledger/transfers').transfer,
      createAccount: require('../../lib/ledger/accounts').createAccount,
      db: require('../../lib/storage/client').db,
    };
  } finally {
    for (const path of Object.keys(cache)) if (path.startsWith(libDir)) delete cache[path];
    for (const [path, module] of kept) cache[path] = module;
  }
}
