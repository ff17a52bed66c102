import { assert } from './errors';

/**
 * The time limits of a request, in one place because they must agree: a request has to answer before its Lambda is
 * stopped, so the ledger's retry budget, the SDK's timeouts and the function's timeout are checked against each other
 * here, when the module loads, and a change that breaks how they relate fails at start instead of in production.
 */
export const limits = {
  /** The functions' timeout; `serverless.yml`'s `provider.timeout` (in seconds) is checked against it by a test. */
  functionTimeoutMs: 10_000,
  /** Each DynamoDB call: time to connect, time for the answer, and attempts the SDK makes (its own retries). */
  sdkConnectionTimeoutMs: 1000,
  sdkRequestTimeoutMs: 3000,
  sdkAttemptsMax: 3,
  /** The ledger's retries of a contended transfer: attempts, full-jitter backoff bounds, and the time they may take. */
  retryAttemptsMax: 60,
  retryBaseMs: 2,
  retryCapMs: 100,
  retryBudgetMs: 7000,
  /** Sends of one ledger write whose answer never came, under one client request token. */
  ambiguousSendsMax: 3,
  /** What a request's deadline leaves of its function's time, to answer in: the deadline is this much earlier. */
  answerMarginMs: 500,
} as const;

for (const [name, value] of Object.entries(limits)) {
  assert(Number.isSafeInteger(value) && value > 0, `the time limit ${name} is a positive integer`);
}
assert(limits.sdkConnectionTimeoutMs < limits.sdkRequestTimeoutMs, 'a connection is given less time than an answer');
assert(limits.retryCapMs < limits.retryBudgetMs, 'one backoff fits many times in the retry budget');
assert(limits.answerMarginMs < limits.functionTimeoutMs - limits.retryBudgetMs, 'the answer margin leaves the retry budget whole');
// A retry starts only inside the budget, and then waits for at least one answer: that wait must fit in what the
// function has left. This bounds one attempt only; a call the SDK retries, or a write sent again after a lost answer,
// can still outlast the function (the deployed-shape issue, #11, bounds the whole request).
assert(
  limits.retryBudgetMs + limits.sdkRequestTimeoutMs <= limits.functionTimeoutMs,
  'the retry budget leaves room for the answer in flight when it runs out',
);
