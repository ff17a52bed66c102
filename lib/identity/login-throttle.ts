import { randomUUID } from 'node:crypto';
import { InvalidCredentialsError, TooManyAttemptsError } from '../errors';
import {
  clearEmailFailures, readLoginFailures, removeAddressAttempt, restoreEmailFailures, writeLoginFailures,
  type AddressFailures, type EmailFailures,
} from '../storage/login-failures';
import { addressFreeAtMs, lockMsAfter, loginPolicy, secondsUntil, type LoginPolicy } from './login-policy';

/*
 * Login throttling across every instance at once. Each login first counts itself as a failure, in DynamoDB and
 * conditionally on the records it read, before any password is checked: so however many instances race on one email
 * or address, no more attempts run than the limits allow. A success then clears the email's failures and removes the
 * attempt from its address's; a wrong password leaves both counted; anything else puts them back.
 */

/** Read once at cold start. */
const defaultPolicy = loginPolicy(process.env);

/**
 * Rounds of read-then-write when other logins of the same email or address keep writing first, and the most jitter
 * between them: logins that share an address (a NAT, or every test client at 127.0.0.1) write one item.
 */
const reserveRoundsMax = 5;
const reserveJitterMsMax = 25;

/** Who is logging in: the normalized email (as the login schema leaves it) and API Gateway's source address. */
export interface LoginAttempt {
  email: string;
  sourceIp: string;
}

/** What a login counted, so that it can be undone. */
interface Reservation {
  attemptId: string;
  /** The email's record before this login, and the version this login's write gave it. */
  emailBefore: EmailFailures;
  emailVersion: number;
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
    if (!(error instanceof InvalidCredentialsError)) {
      await Promise.all([
        restoreEmailFailures(who.email, reservation.emailVersion, reservation.emailBefore),
        removeAddressAttempt(who.sourceIp, reservation.attemptId),
      ]);
    }
    throw error;
  }
  await Promise.all([clearEmailFailures(who.email), removeAddressAttempt(who.sourceIp, reservation.attemptId)]);
  return result;
}

/** Counts this login as a failure of its email and its address, or throws `TooManyAttemptsError` if either must wait. */
async function reserve(who: LoginAttempt, policy: LoginPolicy): Promise<Reservation> {
  for (let round = 1; round <= reserveRoundsMax; round += 1) {
    const nowMs = Date.now();
    const stored = await readLoginFailures(who.email, who.sourceIp);
    const email = stored.email.expiresAt * 1000 > nowMs ? stored.email : { failures: 0, lockedUntilMs: 0, expiresAt: 0 };
    if (email.lockedUntilMs > nowMs) throw new TooManyAttemptsError(secondsUntil(email.lockedUntilMs, nowMs));
    const freeAtMs = addressFreeAtMs(Object.values(stored.address.attempts), nowMs, policy);
    if (freeAtMs !== undefined) throw new TooManyAttemptsError(secondsUntil(freeAtMs, nowMs));
    const attemptId = randomUUID();
    const next = nextRecords(email, stored.address, attemptId, nowMs, policy);
    if (await writeLoginFailures(who.email, who.sourceIp, stored, next)) {
      return { attemptId, emailBefore: email, emailVersion: stored.email.version + 1 };
    }
    await new Promise((resolve) => setTimeout(resolve, Math.random() * reserveJitterMsMax));
  }
  // Other logins of this email or address kept writing first: a flood of them, which may wait like any other.
  throw new TooManyAttemptsError(1);
}

/**
 * The records once this login counts as a failure: one more for the email, locked at once if that failure would lock
 * it (so that no other login of it runs meanwhile), and this attempt among the address's, older ones dropped.
 */
function nextRecords(
  email: EmailFailures, address: AddressFailures, attemptId: string, nowMs: number, policy: LoginPolicy,
): { email: EmailFailures; address: AddressFailures } {
  const failures = email.failures + 1;
  const lockMs = lockMsAfter(failures, policy);
  const recent = Object.entries(address.attempts).filter(([, startedMs]) => startedMs > nowMs - policy.addressWindowMs);
  return {
    email: {
      failures,
      lockedUntilMs: lockMs > 0 ? nowMs + lockMs : 0,
      expiresAt: Math.ceil((nowMs + Math.max(lockMs, policy.emailMemoryMs)) / 1000),
    },
    address: {
      attempts: { ...Object.fromEntries(recent), [attemptId]: nowMs },
      expiresAt: Math.ceil((nowMs + policy.addressWindowMs) / 1000),
    },
  };
}
