import { performance } from 'node:perf_hooks';
import { summarize, type PhaseSummary } from './stats';

/** One operation of a phase, run by worker `worker` (0 … concurrency − 1). It throws on failure. */
export type Operation = (worker: number) => Promise<void>;

/**
 * How many operations a phase keeps in flight, and how it warms up and then measures. The warm-up lasts at least
 * `warmupMs` and until every worker has finished `warmupOpsPerWorker` operations (0: time alone): over HTTP the
 * handlers load on first use, so the measurement must not begin while some of them are still loading.
 */
export interface LoadShape {
  concurrency: number;
  warmupMs: number;
  warmupOpsPerWorker: number;
  measureMs: number;
  /**
   * Whether to wait, after the window, for the operations still in flight. Only the last phase of a run may skip
   * it (its stragglers then meet a stopping stack); every other phase drains so that the next starts on a quiet system.
   */
  drain?: boolean;
}

/** What a phase measured, plus the first few failures so a broken phase explains itself. */
export interface PhaseResult extends PhaseSummary {
  failures: string[];
  /** The errors inside the window by kind (`errorKind`): for the API, its status and problem code. */
  errorsByKind: Record<string, number>;
  /** Every operation run, warm-up and drain included. */
  operationsTotal: number;
  /** Of those, the ones that succeeded: for a transfer phase, transfers posted. */
  operationsSucceeded: number;
}

/** No phase keeps more operations in flight than this: a typo must not open a thousand sockets. */
const concurrencyMax = 256;
const failuresKept = 3;
/** A warm-up that has not finished by then is a broken phase, not a slow one. */
const warmupMsMax = 90_000;

/**
 * Runs a closed loop: `concurrency` workers each run `op` back to back. After the warm-up, a window of `measureMs`
 * counts the operations that complete inside it: throughput is those completions over the window, and their
 * latencies are the samples. Workers start nothing after the window closes and the phase ends when the last
 * operation returns, so the next phase starts on a quiet system, but that drain is not measured. `onTick` is called
 * after every operation with the fraction of the window done, for the progress bar.
 */
export async function runLoad(shape: LoadShape, op: Operation, onTick?: (fraction: number) => void): Promise<PhaseResult> {
  if (!Number.isInteger(shape.concurrency) || shape.concurrency < 1 || shape.concurrency > concurrencyMax) {
    throw new RangeError(`Concurrency must be an integer from 1 to ${concurrencyMax}.`);
  }
  if (!Number.isInteger(shape.warmupOpsPerWorker) || shape.warmupOpsPerWorker < 0) {
    throw new RangeError('Warm-up operations per worker are a whole number.');
  }
  const startMs = performance.now();
  const warmupUntilMs = startMs + shape.warmupMs;
  const opsDone = new Array<number>(shape.concurrency).fill(0);
  let warmWorkers = shape.warmupOpsPerWorker === 0 ? shape.concurrency : 0;
  // Unknown until the warm-up ends.
  let windowFromMs = Number.POSITIVE_INFINITY;
  let windowToMs = Number.POSITIVE_INFINITY;
  const latenciesMs: number[] = [];
  const failures: string[] = [];
  let errors = 0;
  const errorsByKind: Record<string, number> = {};
  let succeeded = 0;
  const worker = async (index: number): Promise<void> => {
    for (let beganMs = performance.now(); beganMs < windowToMs; beganMs = performance.now()) {
      if (windowFromMs === Number.POSITIVE_INFINITY && beganMs - startMs > warmupMsMax) {
        throw new Error(`The warm-up did not finish within ${warmupMsMax} ms: ${failures.join('; ') || 'no failures seen'}`);
      }
      let failed: unknown;
      try {
        await op(index);
      } catch (error) {
        failed = error ?? 'no error';
        if (failures.length < failuresKept) failures.push(error instanceof Error ? error.message : String(error));
      }
      const doneMs = performance.now();
      if (failed === undefined) succeeded += 1;
      if (doneMs >= windowFromMs && doneMs < windowToMs) {
        if (failed !== undefined) {
          errors += 1;
          const kind = errorKind(failed);
          errorsByKind[kind] = (errorsByKind[kind] ?? 0) + 1;
        } else latenciesMs.push(doneMs - beganMs);
      }
      opsDone[index] = opsDone[index]! + 1;
      if (opsDone[index] === shape.warmupOpsPerWorker) warmWorkers += 1;
      if (windowFromMs === Number.POSITIVE_INFINITY && warmWorkers >= shape.concurrency && doneMs >= warmupUntilMs) {
        windowFromMs = doneMs;
        windowToMs = doneMs + shape.measureMs;
      }
      const fraction = windowFromMs === Number.POSITIVE_INFINITY ? 0 : (doneMs - windowFromMs) / shape.measureMs;
      onTick?.(Math.min(1, Math.max(0, fraction)));
    }
  };
  const watch = setInterval(() => {
    // A worker waiting on a slow operation must not hold the window open: it closes on time.
    const nowMs = performance.now();
    if (windowFromMs === Number.POSITIVE_INFINITY && warmWorkers >= shape.concurrency && nowMs >= warmupUntilMs) {
      windowFromMs = nowMs;
      windowToMs = nowMs + shape.measureMs;
    }
  }, 10);
  const workers = Promise.all(Array.from({ length: shape.concurrency }, (_, index) => worker(index)));
  try {
    if (shape.drain === false) await Promise.race([workers, windowClosed(() => windowToMs)]);
    else await workers;
  } finally {
    clearInterval(watch);
  }
  const operationsTotal = opsDone.reduce((sum, ops) => sum + ops, 0);
  return { ...summarize([...latenciesMs], errors, shape.measureMs), failures, errorsByKind, operationsTotal, operationsSucceeded: succeeded };
}

/**
 * What kind of failure `error` is, for the error counts: its `kind` when the driver gave it one (the API's answers
 * carry their status and problem code), otherwise its class name.
 */
export function errorKind(error: unknown): string {
  if (error && typeof error === 'object') {
    const { kind, name } = error as { kind?: unknown; name?: unknown };
    if (typeof kind === 'string' && kind !== '') return kind;
    if (typeof name === 'string' && name !== '') return name;
  }
  return 'unknown';
}

/** Resolves once the window, whose end is not known until the warm-up finishes, has closed. */
async function windowClosed(windowToMs: () => number): Promise<void> {
  while (performance.now() < windowToMs()) {
    const leftMs = windowToMs() - performance.now();
    await new Promise((resolve) => setTimeout(resolve, Number.isFinite(leftMs) ? Math.max(1, leftMs) : 10));
  }
}
