import { InvalidCredentialsError, TooManyAttemptsError } from '../errors';
import {
  clearEmailFailures, readLoginFailures, recordAddressFailure, restoreEmailFailures, writeEmailFailures, type EmailFailures,
} from '../storage/login-failures';
import { addressFreeAtMs, lockMsAfter, loginPolicy, secondsUntil, type LoginPolicy } from './login-policy';

/*
 * Login throttling across every instance at once. Each login first counts itself as a failure of its email, in
 * DynamoDB and conditionally on the record it read, before any password is checked: so however many instances race
 * on one email, no more guesses run than the limit allows. A success then clears the email's failures; a wrong
 * password leaves it counted, and joins its address's failures; anything else puts the email's record back. The
 * address's limit is checked on its failures as read, so logins from one address never wait on each other, and a
 * burst of concurrent guesses from one address can pass its limit by the guesses in flight (each email's own limit
 * still holds).
 */

/** Read once at cold start. */
const defaultPolicy = loginPolicy(process.env);

/**
 * Rounds of read-then-write when other logins of the same email keep writing first, and the most jitter between them.
 * Each round lets at least one of the logins racing on an email through, so this many concurrent logins of one email
 * (a user's devices, a service signing in from several workers) all get through before any is told to wait.
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
  /** The email's record before this login, and the version this login's write gave it. */
  emailBefore: EmailFailures;
  emailVersion: number;
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
      // A random fraction of a millisecond keeps two failures of one address in the same millisecond apart in its set.
      await recordAddressFailure(who.sourceIp, Date.now() + Math.random(), policy.addressWindowMs, reservation.staleAddressFailuresMs);
    } else {
      await restoreEmailFailures(who.email, reservation.emailVersion, reservation.emailBefore);
    }
    throw error;
  }
  await clearEmailFailures(who.email);
  return result;
}

/** Counts this login as a failure of its email, or throws `TooManyAttemptsError` if the email or the address must wait. */
async function reserve(who: LoginAttempt, policy: LoginPolicy): Promise<Reservation> {
  for (let round = 1; round <= reserveRoundsMax; round += 1) {
    const nowMs = Date.now();
    const stored = await readLoginFailures(who.email, who.sourceIp);
    const email = stored.email.expiresAt * 1000 > nowMs ? stored.email : { failures: 0, lockedUntilMs: 0, expiresAt: 0 };
    if (email.lockedUntilMs > nowMs) throw new TooManyAttemptsError(secondsUntil(email.lockedUntilMs, nowMs));
    const freeAtMs = addressFreeAtMs(stored.address.failuresMs, nowMs, policy);
    if (freeAtMs !== undefined) throw new TooManyAttemptsError(secondsUntil(freeAtMs, nowMs));
    if (await writeEmailFailures(who.email, stored.email.version, nextEmailRecord(email, nowMs, policy))) {
      const staleAddressFailuresMs = stored.address.failuresMs.filter((atMs) => atMs <= nowMs - policy.addressWindowMs);
      return { emailBefore: email, emailVersion: stored.email.version + 1, staleAddressFailuresMs };
    }
    await new Promise((resolve) => setTimeout(resolve, Math.random() * reserveJitterMsMax));
  }
  // Other logins of this email kept writing first: a flood of them, which may wait like any other.
  throw new TooManyAttemptsError(1);
}

/**
 * The email's record once this login counts as a failure: one more, locked at once if that failure would lock it (so
 * that no other login of it runs meanwhile).
 */
function nextEmailRecord(email: EmailFailures, nowMs: number, policy: LoginPolicy): EmailFailures {
  const failures = email.failures + 1;
  const lockMs = lockMsAfter(failures, policy);
  return {
    failures,
    lockedUntilMs: lockMs > 0 ? nowMs + lockMs : 0,
    expiresAt: Math.ceil((nowMs + Math.max(lockMs, policy.emailMemoryMs)) / 1000),
  };
}
