import { randomUUID } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '../../lib/config';
import { InvalidRefreshTokenError, UnauthorizedError } from '../../lib/errors';
import type { UserRecord } from '../../lib/identity/model';
import { logout, openSession, refreshSession, refreshTokenHash } from '../../lib/identity/sessions';
import { authenticate } from '../../lib/identity/standing';
import { keys } from '../../lib/storage/keys';
import { findSession } from '../../lib/storage/sessions';
import { insertUser } from '../../lib/storage/users';
import definition from '../../lib/storage/table.json';
import { caught } from '../support/caught';
import { uniqueEmail } from '../support/data';
import { directClient } from '../support/dynamo';
import { sessionOf } from '../support/tokens';

const client = directClient();

afterAll(() => client.destroy());

async function storedUserRecord(): Promise<UserRecord> {
  const user: UserRecord = {
    id: randomUUID(), email: uniqueEmail(), name: null, role: 'user', passwordHash: 'unused', disabled: false,
    sessionGeneration: 0, totp: null, pendingTotpSecret: null, createdAt: new Date().toISOString(),
  };
  await insertUser(user);
  return user;
}

const item = async (key: { pk: string; sk: string }) =>
  (await client.send(new GetCommand({ TableName: config.tableName, Key: key, ConsistentRead: true }))).Item;

describe('sessions in the table', () => {
  it('stores a session and its refresh token as items of their own, with the hash and never the token, and a TTL', async () => {
    const user = await storedUserRecord();
    const pair = await openSession(user);
    const sessionId = sessionOf(pair.accessToken);
    const session = await item(keys.session(sessionId));
    const refresh = await item(keys.refreshToken(refreshTokenHash(pair.refreshToken)));
    expect(session).toMatchObject({ entity: 'session', id: sessionId, userId: user.id, revoked: false, userGeneration: 0 });
    expect(refresh).toMatchObject({ entity: 'refresh_token', sessionId, userId: user.id, spent: false, hash: refreshTokenHash(pair.refreshToken) });
    expect(refreshTokenHash(pair.refreshToken)).toMatch(/^[0-9a-f]{64}$/);
    for (const stored of [session, refresh]) {
      expect(JSON.stringify(stored)).not.toContain(pair.refreshToken);
      expect(JSON.stringify(stored)).not.toContain(pair.accessToken);
      const ttl = stored![definition.TimeToLiveAttribute] as number;
      expect(Number.isSafeInteger(ttl)).toBe(true);
      expect(ttl - Date.now() / 1000).toBeGreaterThan(config.refreshTtlSeconds - 60);
      expect(ttl - Date.now() / 1000).toBeLessThanOrEqual(config.refreshTtlSeconds);
    }
  });

  it('rotates: the old token is kept, marked spent, and the session is extended to the new one\'s expiry', async () => {
    const pair = await openSession(await storedUserRecord());
    const next = await refreshSession(pair.refreshToken);
    expect(await item(keys.refreshToken(refreshTokenHash(pair.refreshToken)))).toMatchObject({ spent: true, spentAt: expect.any(String) });
    const fresh = await item(keys.refreshToken(refreshTokenHash(next.refreshToken)));
    expect(fresh).toMatchObject({ spent: false });
    expect((await findSession(sessionOf(pair.accessToken)))!.expiresAt).toBe(fresh!.expiresAt);
  });

  it('lets exactly one of many concurrent refreshes of one token win; the losers are reuse and revoke the session', async () => {
    const pair = await openSession(await storedUserRecord());
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => refreshSession(pair.refreshToken)));
    const winners = results.filter((result) => result.status === 'fulfilled');
    expect(winners).toHaveLength(1);
    for (const result of results) if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(InvalidRefreshTokenError);
    expect((await findSession(sessionOf(pair.accessToken)))!.revoked).toBe(true);
  });

  it('refuses an expired refresh token without revoking anything', async () => {
    const pair = await openSession(await storedUserRecord());
    await client.send(new UpdateCommand({
      TableName: config.tableName, Key: keys.refreshToken(refreshTokenHash(pair.refreshToken)),
      UpdateExpression: 'SET expiresAt = :past', ExpressionAttributeValues: { ':past': Math.floor(Date.now() / 1000) - 1 },
    }));
    expect(await caught(refreshSession(pair.refreshToken))).toBeInstanceOf(InvalidRefreshTokenError);
    expect((await findSession(sessionOf(pair.accessToken)))!.revoked).toBe(false);
  });

  it('refuses the access token of a session that has expired, even before DynamoDB\'s TTL removes it', async () => {
    const pair = await openSession(await storedUserRecord());
    await client.send(new UpdateCommand({
      TableName: config.tableName, Key: keys.session(sessionOf(pair.accessToken)),
      UpdateExpression: 'SET expiresAt = :past', ExpressionAttributeValues: { ':past': Math.floor(Date.now() / 1000) - 1 },
    }));
    expect(await caught(authenticate(`Bearer ${pair.accessToken}`))).toBeInstanceOf(UnauthorizedError);
  });

  it('logs out with a spent refresh token too, and refuses one it never issued', async () => {
    const pair = await openSession(await storedUserRecord());
    await refreshSession(pair.refreshToken);
    await logout(pair.refreshToken);
    expect((await findSession(sessionOf(pair.accessToken)))!.revoked).toBe(true);
    expect(await caught(logout('C'.repeat(43)))).toBeInstanceOf(InvalidRefreshTokenError);
  });
});
