import { AsyncLocalStorage } from 'node:async_hooks';
import { setMaxListeners } from 'node:events';

/**
 * What the work done for one request knows about it, carried by its async context: its deadline and the function
 * serving it. The endpoint starts it from the time its Lambda has left (less a margin for the answer); every DynamoDB
 * call made inside it is aborted when the deadline passes, whatever the SDK's own timeouts and retries would still
 * wait, so the request answers with a problem of ours instead of being cut off by Lambda's timeout.
 */
interface RequestContext {
  signal: AbortSignal;
  functionName: string | undefined;
}

const current = new AsyncLocalStorage<RequestContext>();

/** The calls one request or job pass may have in flight under one deadline. */
const listenersMax = 1_000;

/** Runs `fn` with a deadline `budgetMs` from now (or the enclosing one, if that is earlier), for `functionName`. */
export function withDeadline<T>(budgetMs: number, fn: () => Promise<T>, functionName?: string): Promise<T> {
  const own = AbortSignal.timeout(Math.max(0, Math.floor(budgetMs)));
  const outer = current.getStore();
  const signal = outer ? AbortSignal.any([outer.signal, own]) : own;
  // Each call in flight listens to it: a job's pass (the publisher's batch of up to 100 events, each with its
  // deliveries' writes) makes more than Node's default of ten at once, which is no leak.
  setMaxListeners(listenersMax, signal);
  return current.run({ signal, functionName: functionName ?? outer?.functionName }, fn);
}

/** Runs `fn` under a given signal (one that another request's work captured with `deadlineSignal`). */
export function withSignal<T>(signal: AbortSignal | undefined, fn: () => Promise<T>): Promise<T> {
  return signal ? current.run({ signal, functionName: current.getStore()?.functionName }, fn) : fn();
}

/** The signal of the current request's deadline, or `undefined` outside any request. */
export function deadlineSignal(): AbortSignal | undefined {
  return current.getStore()?.signal;
}

/** Whether the current request's deadline has passed. */
export function deadlinePassed(): boolean {
  return current.getStore()?.signal.aborted ?? false;
}

/** The function serving the current request, or `undefined` outside any. */
export function currentFunctionName(): string | undefined {
  return current.getStore()?.functionName;
}
