import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * A request's deadline, carried by the async context of the work done for it. The endpoint starts it from the time
 * its Lambda has left (less a margin for the answer); every DynamoDB call made inside it is aborted when it passes,
 * whatever the SDK's own timeouts and retries would still wait, so the request answers with a problem of ours
 * instead of being cut off by Lambda's timeout.
 */
const current = new AsyncLocalStorage<AbortSignal>();

/** Runs `fn` with a deadline `budgetMs` from now, or the enclosing one if that is earlier. */
export function withDeadline<T>(budgetMs: number, fn: () => Promise<T>): Promise<T> {
  const own = AbortSignal.timeout(Math.max(0, Math.floor(budgetMs)));
  const outer = current.getStore();
  return current.run(outer ? AbortSignal.any([outer, own]) : own, fn);
}

/** Runs `fn` under a given signal (one that another request's work captured with `deadlineSignal`). */
export function withSignal<T>(signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
  return signal ? current.run(signal, fn) : fn();
}

/** The signal of the current request's deadline, or `undefined` outside any request. */
export function deadlineSignal(): AbortSignal | undefined {
  return current.getStore();
}

/** Whether the current request's deadline has passed. */
export function deadlinePassed(): boolean {
  return current.getStore()?.aborted ?? false;
}
