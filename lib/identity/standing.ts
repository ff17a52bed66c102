import { UnauthorizedError } from '../errors';
import { findUserById } from '../storage/users';
import type { Caller } from './model';
import { verifyBearer } from './tokens';

/**
 * How long an instance trusts a user's standing once read: a demotion, a disabled user or a deleted one takes effect
 * for every token within this long, on every instance.
 */
export const standingCacheMs = 5_000;
const cacheEntriesMax = 10_000;

const standings = new Map<string, { caller: Caller | undefined; readMs: number }>();

/**
 * Proves who calls: verifies the bearer token, then reads the user's standing from DynamoDB (at most
 * `standingCacheMs` old). The role comes from the user as stored, never from the token alone, so a demoted admin's
 * token is a user's; a user who no longer exists, or is disabled, is refused like a bad token.
 */
export async function authenticate(authorization: string | undefined): Promise<Caller> {
  const { userId } = await verifyBearer(authorization);
  const caller = await standingOf(userId);
  if (!caller) throw new UnauthorizedError();
  return caller;
}

async function standingOf(userId: string): Promise<Caller | undefined> {
  const cached = standings.get(userId);
  if (cached && Date.now() - cached.readMs < standingCacheMs) return cached.caller;
  const user = await findUserById(userId);
  const caller = user && !user.disabled ? { userId, role: user.role } : undefined;
  // A bounded cache: the oldest reading goes first (a Map iterates in insertion order).
  standings.delete(userId);
  if (standings.size >= cacheEntriesMax) standings.delete(standings.keys().next().value!);
  standings.set(userId, { caller, readMs: Date.now() });
  return caller;
}
