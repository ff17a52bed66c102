import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { config } from '../config';
import { InvalidRefreshTokenError } from '../errors';
import { findRefreshToken, findSession, insertSession, revokeSession, rotateRefreshToken } from '../storage/sessions';
import { findUserById } from '../storage/users';
import type { RefreshTokenRecord, SessionRecord, UserRecord } from './model';
import { issueAccessToken, type TokenPair } from './tokens';

/*
 * Sessions: login opens one, refresh renews it (the refresh token is spent and a new one given), logout revokes it.
 * A spent refresh token presented again means two parties hold it: the session is revoked, so whoever stole it holds
 * nothing that works (reuse detection, as OAuth 2.0 Security BCP 4.14.2 describes). This module never loads argon2.
 */

/** 32 random bytes: a refresh token cannot be guessed, so a fast hash of it is safe to store. */
const refreshTokenBytes = 32;

/** The hash a refresh token is stored and found under (SHA-256, hex). */
export function refreshTokenHash(refreshToken: string): string {
  return createHash('sha256').update(refreshToken, 'utf8').digest('hex');
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A fresh refresh token of a session, and its record (which holds its hash only). */
function newRefreshToken(sessionId: string, userId: string, issuedAt: string): { token: string; record: RefreshTokenRecord } {
  const token = randomBytes(refreshTokenBytes).toString('base64url');
  const record = {
    hash: refreshTokenHash(token), sessionId, userId, spent: false, issuedAt, expiresAt: nowSeconds() + config.refreshTtlSeconds,
  };
  return { token, record };
}

async function pairOf(userId: string, sessionId: string, refreshToken: string): Promise<TokenPair> {
  return {
    accessToken: await issueAccessToken(userId, sessionId),
    tokenType: 'Bearer',
    expiresIn: config.tokenTtlSeconds,
    refreshToken,
    refreshExpiresIn: config.refreshTtlSeconds,
  };
}

/**
 * Opens a session for a user whose credentials were checked, and answers its first pair of tokens. `mfa` says the
 * login proved a TOTP code too; the session keeps it for its whole life.
 */
export async function openSession(user: UserRecord, mfa = false): Promise<TokenPair> {
  const createdAt = new Date().toISOString();
  const id = randomUUID();
  const refresh = newRefreshToken(id, user.id, createdAt);
  const session: SessionRecord = {
    id, userId: user.id, userGeneration: user.sessionGeneration, mfa, revoked: false, createdAt, expiresAt: refresh.record.expiresAt,
  };
  await insertSession(session, refresh.record);
  return pairOf(user.id, id, refresh.token);
}

/**
 * Whether a session may still be used by this user as stored (`undefined`: a user or session that does not exist). A
 * session opened under an older generation of the user was revoked by a password change or by disabling the user. One
 * opened under a newer generation than `user` shows is live: `user` is an older reading (standing caches readings
 * for 5 s), and a generation only grows, so a login right after a password change is not refused for it.
 */
export function sessionIsLive(session: SessionRecord | undefined, user: UserRecord | undefined): boolean {
  return session !== undefined && user !== undefined && session.userId === user.id && !session.revoked && !user.disabled
    && session.expiresAt > nowSeconds() && session.userGeneration >= user.sessionGeneration;
}

/**
 * Spends a refresh token for a new pair. An unknown, expired or spent token, or one whose session or user is no
 * longer live, is the same `invalid_refresh_token`; a spent one also revokes its session (reuse), and so does losing
 * a race to refresh the same token, since exactly one of two concurrent refreshes wins.
 */
export async function refreshSession(refreshToken: string): Promise<TokenPair> {
  const presented = await findRefreshToken(refreshTokenHash(refreshToken));
  if (!presented || presented.expiresAt <= nowSeconds()) throw new InvalidRefreshTokenError();
  const now = new Date().toISOString();
  if (presented.spent) return reuseDetected(presented, now);
  const [session, user] = await Promise.all([findSession(presented.sessionId), findUserById(presented.userId)]);
  if (!sessionIsLive(session, user)) throw new InvalidRefreshTokenError();
  const next = newRefreshToken(presented.sessionId, presented.userId, now);
  const rotation = await rotateRefreshToken(presented, next.record, now);
  if (rotation === 'spent') return reuseDetected(presented, now);
  if (rotation === 'revoked') throw new InvalidRefreshTokenError();
  return pairOf(presented.userId, presented.sessionId, next.token);
}

async function reuseDetected(presented: RefreshTokenRecord, now: string): Promise<never> {
  await revokeSession(presented.sessionId, now);
  throw new InvalidRefreshTokenError();
}

/**
 * Revokes the session a refresh token belongs to (spent or not: either way its holder is ending that session). An
 * unknown or expired token is `invalid_refresh_token`.
 */
export async function logout(refreshToken: string): Promise<void> {
  const presented = await findRefreshToken(refreshTokenHash(refreshToken));
  if (!presented || presented.expiresAt <= nowSeconds()) throw new InvalidRefreshTokenError();
  await revokeSession(presented.sessionId, new Date().toISOString());
}
