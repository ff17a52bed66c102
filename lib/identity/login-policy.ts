/*
 * The login throttle's rules, pure: how long an email stays locked after its failures, and when a source address may
 * try again. lib/identity/login-throttle.ts applies them to what lib/storage/login-failures.ts stores.
 */

/** The limits of the login throttle. */
export interface LoginPolicy {
  /** Consecutive failures of one email answered 401 before the next login waits. */
  emailFailuresFree: number;
  /** The first wait, after `emailFailuresFree` failures; each further failure doubles it, up to `lockMsMax`. */
  lockMsMin: number;
  lockMsMax: number;
  /** An email's failures are forgotten this long after its last failed login. */
  emailMemoryMs: number;
  /** Failures of one source address within `addressWindowMs` before its logins wait. */
  addressFailuresMax: number;
  addressWindowMs: number;
}

const minuteMs = 60_000;

/**
 * The policy from the environment: everything fixed except the per-address limit, which `LOGIN_ADDRESS_FAILURES_MAX`
 * may raise for a test run whose every client is 127.0.0.1 (scripts/test.ts says why).
 */
export function loginPolicy(env: Readonly<Record<string, string | undefined>>): LoginPolicy {
  const raw = env.LOGIN_ADDRESS_FAILURES_MAX;
  const addressFailuresMax = raw === undefined || raw === '' ? 50 : Number(raw);
  if (!Number.isSafeInteger(addressFailuresMax) || addressFailuresMax <= 0) {
    throw new Error('Configuration LOGIN_ADDRESS_FAILURES_MAX must be a positive integer.');
  }
  return {
    emailFailuresFree: 5,
    lockMsMin: 1000,
    lockMsMax: 15 * minuteMs,
    emailMemoryMs: 24 * 60 * minuteMs,
    addressFailuresMax,
    addressWindowMs: 15 * minuteMs,
  };
}

/** How long an email is locked once its `failures`-th consecutive failure happened: 0, then 1 s doubling to 15 min. */
export function lockMsAfter(failures: number, policy: LoginPolicy): number {
  if (failures < policy.emailFailuresFree) return 0;
  // Capped before the power grows past what a double holds exactly.
  const doublings = Math.min(failures - policy.emailFailuresFree, 40);
  return Math.min(policy.lockMsMin * 2 ** doublings, policy.lockMsMax);
}

/** Whole seconds until `untilMs`, at least 1: what `Retry-After` says. */
export function secondsUntil(untilMs: number, nowMs: number): number {
  return Math.max(1, Math.ceil((untilMs - nowMs) / 1000));
}

/** The failure times of an address that still count at `nowMs`, oldest first. */
export function recentFailures(timesMs: readonly number[], nowMs: number, policy: LoginPolicy): number[] {
  return timesMs.filter((t) => t > nowMs - policy.addressWindowMs).sort((a, b) => a - b);
}

/**
 * When an address may try again, or `undefined` if it may now: once it has `addressFailuresMax` failures within the
 * window, the time the oldest of those that must age out to leave room does.
 */
export function addressFreeAtMs(timesMs: readonly number[], nowMs: number, policy: LoginPolicy): number | undefined {
  const recent = recentFailures(timesMs, nowMs, policy);
  if (recent.length < policy.addressFailuresMax) return undefined;
  return recent[recent.length - policy.addressFailuresMax]! + policy.addressWindowMs;
}
