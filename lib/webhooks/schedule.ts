/*
 * When a delivery is tried again. After each failed attempt it waits longer, from seconds to hours, with up to 10%
 * of jitter so that many deliveries failing together do not come back together; once 24 hours have passed since the
 * first attempt a failure is the last one, and the delivery is `failed`.
 */

/** The wait after the 1st, 2nd, … failed attempt; past the end, the last one again. */
export const retryDelaysSeconds = [5, 30, 120, 600, 1800, 3600, 7200, 14_400, 28_800] as const;

/** How long a delivery is retried for, from its first attempt. */
export const retryWindowMs = 24 * 3600 * 1000;

/** The most a delay grows by at random. */
const jitterRatio = 0.1;

/**
 * When to try again after `attemptsMade` attempts, all failed, the first at `firstAttemptMs` and the last at `nowMs`;
 * `null` when the retry window has passed and this failure is final.
 */
export function nextAttemptMs(attemptsMade: number, firstAttemptMs: number, nowMs: number, random: () => number = Math.random): number | null {
  if (nowMs - firstAttemptMs >= retryWindowMs) return null;
  const delaySeconds = retryDelaysSeconds[Math.min(attemptsMade, retryDelaysSeconds.length) - 1]!;
  return nowMs + Math.round(delaySeconds * 1000 * (1 + jitterRatio * random()));
}
