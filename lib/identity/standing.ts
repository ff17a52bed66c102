import { UnauthorizedError } from '../errors';
import { findSession } from '../storage/sessions';
import { findUserById } from '../storage/users';
import type { Caller, SessionRecord, UserRecord } from './model';
import { sessionIsLive } from './sessions';
import { verifyBearer } from './tokens';

/**
 * How long an instance trusts what it read of a user or a session: a demotion, a disabled or deleted user, a logout,
 * a password change or a detected reuse takes effect for every token within this long, on every instance.
 */
export const standingCacheMs = 5_000;
const cacheEntriesMax = 10_000;

/** A bounded cache of readings, each trusted for `standingCacheMs`; the oldest goes first when it is full. */
class Readings<T> {
  private readonly byId = new Map<string, { value: T | undefined; readMs: number }>();

  async get(id: string, read: (id: string) => Promise<T | undefined>): Promise<T | undefined> {
    const cached = this.byId.get(id);
    if (cached && Date.now() - cached.readMs < standingCacheMs) return cached.value;
    const value = await read(id);
    // A Map iterates in insertion order, so re-inserting keeps the oldest reading first.
    this.byId.delete(id);
    if (this.byId.size >= cacheEntriesMax) this.byId.delete(this.byId.keys().next().value!);
    this.byId.set(id, { value, readMs: Date.now() });
    return value;
  }
}

const users = new Readings<UserRecord>();
const sessions = new Readings<SessionRecord>();

/**
 * Proves who calls: verifies the bearer token, then reads the user and the token's session from DynamoDB (each at
 * most `standingCacheMs` old). The role comes from the user as stored, never from the token, so a demoted admin's
 * token is a user's; a user who no longer exists or is disabled, and a session that is revoked, expired or from before
 * a password change, are refused like a bad token. Whether the caller holds MFA is the session's, as it was opened.
 */
export async function authenticate(authorization: string | undefined): Promise<Caller> {
  const { userId, sessionId } = await verifyBearer(authorization);
  const [user, session] = await Promise.all([users.get(userId, findUserById), sessions.get(sessionId, findSession)]);
  if (!user || !session || !sessionIsLive(session, user)) throw new UnauthorizedError();
  return { userId, role: user.role, mfa: session.mfa };
}
