/**
 * Bounded retries with full jitter: a contended account or a throttled table gets a few quick retries spread out in
 * time, then the request gives up rather than holding a Lambda.
 */
export const retryPolicy = { attemptsMax: 40, baseMs: 2, capMs: 50, budgetMs: 4000 } as const;

/** Sleeps a random time up to `min(cap, base * 2^attempt)`. */
export function backoff(attempt: number): Promise<void> {
  const ceilingMs = Math.min(retryPolicy.capMs, retryPolicy.baseMs * 2 ** Math.min(attempt, 10));
  return new Promise((resolve) => setTimeout(resolve, Math.random() * ceilingMs));
}
