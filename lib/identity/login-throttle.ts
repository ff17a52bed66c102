import { InvalidCredentialsError, TooManyAttemptsError } from '../errors';
import {
  clearEmailFailures, countEmailLogin, forgetEmailFailures, lockEmail, readLoginFailures, recordAddressFailure, uncountEmailLogin,
} from '../storage/login-failures';
import { addressFreeAtMs, lockMsAfter, loginPolicy, secondsUntil, type LoginPolicy } from './login-policy';

/*
 * Login throttling across every instance at once. Each login first counts itself as a failure of its email, in
 * DynamoDB, by an atomic increment conditioned on the email's limit and lock, before any password is checked: so
 * however many instances race on one email, no more guesses run than the limit allows, and logins of one email below
 * its limit never wait on each other. A success then clears the email's failures; a wrong password leaves it counted,
 * restarts from its own time the lock it set, and joins its address's failures; anything else takes its count back. The
 * address's limit is checked on its failures as read, so logins from one address never wait on each other, and a
 * burst of concurrent guesses from one address can pass its limit by the guesses in flight (each email's own limit
 * still holds).
 */

/** Read once at cold start. */
const defaultPolicy = loginPolicy(process.env);

/**
 * How long a count may stand without the lock it called for before it stops blocking the email: longer than any
 * login runs (a function's timeout), so only a login that died between counting and locking leaves one.
 */
const unlockedCountStaleMs = 30_000;

/**
 * Rounds of reading again, and the most jitter between them, while an email's free guesses are all in flight: logins
 * below the limit count at once and never come here.
 */
const reserveRoundsMax = 16;
const reserveJitterMsMax = 25;

/** Who is logging in: the normalized email (as the login schema leaves it) and API Gateway's source address. */
export interface LoginAttempt {
  email: string;
  sourceIp: string;
}

/** What a login counted, so that it can be undone, and its address's failures that are out of the window. */
interface Reservation {
  /** The email's count with this login, and whether this login set a lock at it, and how long. */
  failures: number;
  lockedHere: boolean;
  lockMs: number;
  staleAddressFailuresMs: number[];
}

/**
 * Runs `login` unless the email or the address must wait (`TooManyAttemptsError`, 429, with no password checked).
 * An `InvalidCredentialsError` from it is a failure and stays counted.
 */
export async function throttledLogin<T>(who: LoginAttempt, login: () => Promise<T>, policy = defaultPolicy): Promise<T> {
  const reservation = await reserve(who, policy);
  let result: T;
  try {
    result = await login();
  } catch (error) {
    if (error instanceof InvalidCredentialsError) {
      const failedAtMs = Date.now();
      await Promise.all([
        // The wait runs from the failure, as the 429s after it say: a slow password check must not use it up.
        reservation.lockedHere ? lockEmail(who.email, reservation.failures, failedAtMs + reservation.lockMs) : undefined,
        // A random fraction of a millisecond keeps two failures of one address in the same millisecond apart in its set.
        recordAddressFailure(who.sourceIp, failedAtMs + Math.random(), policy.addressWindowMs, reservation.staleAddressFailuresMs),
      ]);
    } else {
      await uncountEmailLogin(who.email, reservation.failures, reservation.lockedHere);
    }
    throw error;
  }
  await clearEmailFailures(who.email);
  return result;
}

/**
 * Counts this login as a failure of its email, or throws `TooManyAttemptsError` if the email or the address must wait.
 * A count refused while the email is not locked means its free guesses are all in flight (other logins of it, which
 * a success will clear): this one reads again after a short jitter, a bounded number of times, then waits like any.
 */
async function reserve(who: LoginAttempt, policy: LoginPolicy): Promise<Reservation> {
  for (let round = 1; round <= reserveRoundsMax; round += 1) {
    const nowMs = Date.now();
    const stored = await readLoginFailures(who.email, who.sourceIp);
    const remembered = stored.email.expiresAt * 1000 > nowMs;
    if (remembered && stored.email.lockedUntilMs > nowMs) throw new TooManyAttemptsError(secondsUntil(stored.email.lockedUntilMs, nowMs));
    const freeAtMs = addressFreeAtMs(stored.address.failuresMs, nowMs, policy);
    if (freeAtMs !== undefined) throw new TooManyAttemptsError(secondsUntil(freeAtMs, nowMs));
    if (!remembered && stored.email.failures > 0) await forgetEmailFailures(who.email, stored.email.expiresAt);
    const failures = await countEmailLogin(who.email, nowMs, {
      free: policy.emailFailuresFree, memoryMs: policy.emailMemoryMs, staleMs: unlockedCountStaleMs,
    });
    if (failures !== undefined) {
      // The failure that reaches the limit locks the email at once, so that no other login of it runs meanwhile.
      const lockMs = lockMsAfter(failures, policy);
      if (lockMs > 0) await lockEmail(who.email, failures, nowMs + lockMs);
      const staleAddressFailuresMs = stored.address.failuresMs.filter((atMs) => atMs <= nowMs - policy.addressWindowMs);
      return { failures, lockedHere: lockMs > 0, lockMs, staleAddressFailuresMs };
    }
    await new Promise((resolve) => setTimeout(resolve, Math.random() * reserveJitterMsMax));
  }
  // Other logins of this email kept every free guess in flight: a flood of them, which may wait like any other.
  throw new TooManyAttemptsError(1);
}
