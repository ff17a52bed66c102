import { ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { SignJWT } from 'jose';
import { config } from '../../lib/config';
import { issueToken } from '../../lib/identity/tokens';
import { db } from '../../lib/storage/client';
import { startApi, type LocalApi } from '../../scripts/local/offline';
import { freePort } from '../../scripts/local/ports';
import type { FuzzWorld } from './fuzz';

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

/** Every item of this process's table, raw and in key order, as one string: equal strings mean an unchanged table. */
export async function tableImage(): Promise<string> {
  const items: Array<Record<string, AttributeValue>> = [];
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await db.send(new ScanCommand({ TableName: config.tableName, ConsistentRead: true, ExclusiveStartKey: startKey }));
    items.push(...(page.Items ?? []));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  const keyOf = (item: Record<string, AttributeValue>) => `${item.pk?.S}\u0000${item.sk?.S}`;
  return items.map((item) => [keyOf(item), JSON.stringify(item, Object.keys(item).sort())] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, text]) => text)
    .join('\n');
}

async function call(url: string, path: string, token: string | undefined, body: unknown) {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = (await response.json()) as Record<string, unknown>;
  if (response.status >= 300) throw new Error(`${path} answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
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
    const { id } = await call(url, '/api/v1/users/register', undefined, { email, password });
    const { accessToken } = await call(url, '/api/v1/users/login', undefined, { email, password });
    secrets.push(password, String(accessToken));
    return { userId: String(id), token: String(accessToken) };
  };
  const attacker = await user('attacker');
  const victim = await user('victim');
  const admin = (await issueToken(`admin-${suffix}`, 'admin')).accessToken;
  secrets.push(admin);
  const system = await call(url, '/v1/accounts', admin, { currency: 'USD', type: 'system' });
  const attackerAccount = await call(url, '/v1/accounts', attacker.token, { currency: 'USD' });
  const victimAccount = await call(url, '/v1/accounts', victim.token, { currency: 'USD' });
  const fund = (account: Record<string, unknown>) =>
    call(url, '/v1/transfers', admin, { fromAccountId: system.id, toAccountId: account.id, amount: 1000, currency: 'USD' });
  await fund(attackerAccount);
  // The victim's own transaction: the attacker is on neither side of it.
  const paid = await fund(victimAccount);
  const nowSeconds = Math.floor(Date.now() / 1000);
  const sign = (secret: string, claims: Record<string, unknown>, exp: number, alg = 'HS256') =>
    new SignJWT(claims).setProtectedHeader({ alg }).setSubject(attacker.userId).setIssuer(config.tokenIssuer)
      .setIssuedAt(exp - 600).setExpirationTime(exp).sign(new TextEncoder().encode(secret));
  const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const [header, , signature] = attacker.token.split('.');
  const badTokens = [
    `${header}.${segment({ sub: victim.userId, role: 'admin', iss: config.tokenIssuer, exp: nowSeconds + 600 })}.${signature}`,
    await sign(process.env.JWT_SECRET!, { role: 'user' }, nowSeconds - 60),
    await sign('another-secret-that-is-long-enough-to-sign', { role: 'admin' }, nowSeconds + 600),
    await sign(process.env.JWT_SECRET!, { role: 'superuser' }, nowSeconds + 600),
    `${segment({ alg: 'none', typ: 'JWT' })}.${segment({ sub: attacker.userId, role: 'admin', iss: config.tokenIssuer, exp: nowSeconds + 600 })}.`,
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
