import { paginateScan, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { config } from '../../lib/config';
import { tokenOfStoredUser } from './ledger-fixtures';
import { apiClient } from '../../scripts/local/api-client';
import { localClient } from '../../scripts/local/dynamo';
import { startApi, type LocalApi } from '../../scripts/local/offline';
import { freePort } from '../../scripts/local/ports';
import type { FuzzWorld } from './fuzz';
import { forgeToken, tamperedToken, unsignedToken } from './tokens';

const callTimeoutMs = 15_000;

/** An API of its own, serving this process's table, with everything it prints kept in `output()`. */
export async function startOwnApi(): Promise<LocalApi & { output: () => string }> {
  let output = '';
  const api = await startApi({
    port: await freePort(),
    dynamoEndpoint: config.dynamoEndpoint!,
    tableName: config.tableName,
    env: { JWT_SECRET: process.env.JWT_SECRET! },
    onOutput: (chunk) => { output += chunk; },
  });
  return { ...api, output: () => output };
}

/**
 * Every item of this process's table but the login throttle's counts, raw and in key order, as one string: equal
 * strings mean an unchanged table.
 * A low-level client of its own reads the items as DynamoDB stores them, attribute types and all.
 */
export async function tableImage(): Promise<string> {
  const items: Array<Record<string, AttributeValue>> = [];
  const client = localClient(config.dynamoEndpoint!);
  try {
    for await (const page of paginateScan({ client }, { TableName: config.tableName, ConsistentRead: true })) items.push(...(page.Items ?? []));
  } finally {
    client.destroy();
  }
  const keyOf = (item: Record<string, AttributeValue>) => `${item.pk?.S}\u0000${item.sk?.S}`;
  // A failed login is meant to change the login throttle's counts (lib/storage/login-failures.ts), and nothing else.
  return items.filter((item) => item.entity?.S !== 'loginFailures').map((item) => [keyOf(item), JSON.stringify(item, Object.keys(item).sort())] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, text]) => text)
    .join('\n');
}

/** POSTs `body` to the API at `url`; any answer but a success is an error. */
async function post(
  url: string,
  path: string,
  token: string | undefined,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Record<string, unknown>> {
  const answer = await apiClient(url, callTimeoutMs)('POST', path, { token, json: body, headers });
  if (answer.status >= 300 || answer.body === undefined) throw new Error(`${path} answered ${answer.status}: ${answer.text}`);
  return answer.body as Record<string, unknown>;
}

/**
 * Registers two users through the API (an attacker and a victim) and funds an account of each, so the victim owns a
 * transaction the attacker is no party to. Returns the world and every secret that must never be logged.
 */
export async function buildFuzzWorld(url: string): Promise<{ world: FuzzWorld; secrets: string[] }> {
  const suffix = Math.random().toString(36).slice(2, 10);
  const secrets: string[] = [];
  const user = async (name: string) => {
    const password = `pw-${name}-${suffix}-Correct-Horse`;
    const email = `${name}-${suffix}@example.com`;
    const { id } = await post(url, '/api/v1/users/register', undefined, { email, password });
    const { accessToken } = await post(url, '/api/v1/users/login', undefined, { email, password });
    secrets.push(password, String(accessToken));
    return { userId: String(id), token: String(accessToken) };
  };
  const attacker = await user('attacker');
  const victim = await user('victim');
  const admin = await tokenOfStoredUser({ userId: `admin-${suffix}`, role: 'admin', mfa: true });
  secrets.push(admin);
  const system = await post(url, '/v1/accounts', admin, { currency: 'USD', type: 'system' });
  const attackerAccount = await post(url, '/v1/accounts', attacker.token, { currency: 'USD' });
  const victimAccount = await post(url, '/v1/accounts', victim.token, { currency: 'USD' });
  const fund = (account: Record<string, unknown>) =>
    post(url, '/v1/transfers', admin, { fromAccountId: system.id, toAccountId: account.id, amount: 1000, currency: 'USD' }, { 'idempotency-key': `fund-${account.id}` });
  await fund(attackerAccount);
  // The victim's own transaction: the attacker is on neither side of it.
  const paid = await fund(victimAccount);
  const nowSeconds = Math.floor(Date.now() / 1000);
  const iss = config.tokenIssuer;
  const badTokens = [
    tamperedToken(attacker.token, { sub: victim.userId, role: 'admin', exp: nowSeconds + 600 }),
    await forgeToken(process.env.JWT_SECRET!, { sub: attacker.userId, role: 'user', iss, iat: nowSeconds - 660, exp: nowSeconds - 60 }),
    await forgeToken('another-secret-that-is-long-enough-to-sign', { sub: attacker.userId, role: 'admin', iss }),
    await forgeToken(process.env.JWT_SECRET!, { sub: attacker.userId, role: 'superuser', iss }),
    unsignedToken(attacker.userId, 'admin', iss),
  ];
  secrets.push(...badTokens.filter((t) => !t.endsWith('.')));
  return {
    world: {
      attacker: { ...attacker, accountId: String(attackerAccount.id) },
      victim: { userId: victim.userId, accountId: String(victimAccount.id), transactionId: String(paid.id) },
      systemAccountId: String(system.id),
      badTokens,
    },
    secrets,
  };
}
