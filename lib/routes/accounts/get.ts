import { MfaSessionRequiredError, AccountNotFoundError, ValidationError } from '../../errors';
import { authenticate } from '../../identity/standing';
import { idParams } from '../../ledger/schemas';
import { authErrors, storageErrors } from '../errors';
import type { Route } from '../route';

/** `GET /v1/accounts/{id}`: one of the caller's accounts. */
export const route = {
  name: 'getAccount',
  handler: 'functions/accounts/get.handler',
  method: 'GET',
  path: '/v1/accounts/{id}',
  summary: 'Read an account',
  description: 'One account the caller owns (any account, for an admin), with its balance.',
  tag: 'accounts',
  auth: authenticate,
  params: idParams,
  status: 200,
  response: 'account',
  errors: [...authErrors, ValidationError, AccountNotFoundError, MfaSessionRequiredError, ...storageErrors],
  // visibleAccount's GetItem; a hot account's shards in one BatchGetItem (lib/storage/accounts.ts readShards).
  access: { table: ['GetItem', 'BatchGetItem'] },
} satisfies Route;
