import { limits } from '../limits';

/**
 * Bounded retries with full jitter: a contended account or a throttled table gets quick retries spread out in time,
 * then the request gives up rather than holding a Lambda. The budget stays under the functions' timeout
 * (`lib/limits.ts` checks how); twenty transfers racing on one account must all finish within it on a busy machine.
 */
export const retryPolicy = {
  attemptsMax: limits.retryAttemptsMax,
  baseMs: limits.retryBaseMs,
  capMs: limits.retryCapMs,
  budgetMs: limits.retryBudgetMs,
} as const;

/** Sleeps a random time up to `min(cap, base * 2^attempt)`. */
export function backoff(attempt: number): Promise<void> {
  const ceilingMs = Math.min(retryPolicy.capMs, retryPolicy.baseMs * 2 ** Math.min(attempt, 10));
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceilingMs));
}
