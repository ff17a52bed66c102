import { performance } from 'node:perf_hooks';
import { summarize, type PhaseSummary } from './stats';

/** One operation of a phase, run by worker `worker` (0 … concurrency − 1). It throws on failure. */
export type Operation = (worker: number) => Promise<void>;

/**
 * How many operations a phase keeps in flight, and how it warms up and then measures. The warm-up lasts at least
 * `warmupMs` and until every worker has finished `warmupOpsPerWorker` operations: the API starts one handler
 * instance per request in flight, so the measurement must not begin while some of them are still loading.
 */
export interface LoadShape {
  concurrency: number;
  warmupMs: number;
  warmupOpsPerWorker: number;
  measureMs: number;
}

/** What a phase measured, plus the first few failures so a broken phase explains itself. */
export interface PhaseResult extends PhaseSummary {
  failures: string[];
  /** Every operation run, warm-up included. */
  operationsTotal: number;
}

/** No phase keeps more operations in flight than this: a typo must not open a thousand sockets. */
const concurrencyMax = 256;
const failuresKept = 3;
/** A warm-up that has not finished by then is a broken phase, not a slow one. */
const warmupMsMax = 90_000;

/**
 * Runs a closed loop: `concurrency` workers each run `op` back to back until the time is up. Operations that start
 * during the warm-up are not counted; those that start inside the measurement window are, and the window closes when
 * the last of them finishes, so throughput is counted operations over that wall time. `onTick` is called after every
 * operation with the fraction of the measurement done, for the progress bar.
 */
export async function runLoad(shape: LoadShape, op: Operation, onTick?: (fraction: number) => void): Promise<PhaseResult> {
  if (!Number.isInteger(shape.concurrency) || shape.concurrency < 1 || shape.concurrency > concurrencyMax) {
    throw new RangeError(`Concurrency must be an integer from 1 to ${concurrencyMax}.`);
  }
  if (!Number.isInteger(shape.warmupOpsPerWorker) || shape.warmupOpsPerWorker < 1) {
    throw new RangeError('Every worker warms up with at least one operation.');
  }
  const startMs = performance.now();
  const warmupUntilMs = startMs + shape.warmupMs;
  const opsDone = new Array<number>(shape.concurrency).fill(0);
  let warmWorkers = 0;
  // Unknown until the warm-up ends; nothing started before it counts.
  let measureFromMs = Number.POSITIVE_INFINITY;
  let endMs = Number.POSITIVE_INFINITY;
  const latenciesMs: number[] = [];
  const failures: string[] = [];
  let errors = 0;
  let lastFinishMs = 0;
  const worker = async (index: number): Promise<void> => {
    while (performance.now() < endMs) {
      const beganMs = performance.now();
      if (beganMs - startMs > warmupMsMax && measureFromMs === Number.POSITIVE_INFINITY) {
        throw new Error(`The warm-up did not finish within ${warmupMsMax} ms: ${failures.join('; ') || 'no failures seen'}`);
      }
      let failed = false;
      try {
        await op(index);
      } catch (error) {
        failed = true;
        if (failures.length < failuresKept) failures.push(error instanceof Error ? error.message : String(error));
      }
      const doneMs = performance.now();
      if (beganMs >= measureFromMs) {
        if (failed) errors += 1;
        else latenciesMs.push(doneMs - beganMs);
        lastFinishMs = Math.max(lastFinishMs, doneMs);
      }
      opsDone[index] = opsDone[index]! + 1;
      if (opsDone[index] === shape.warmupOpsPerWorker) warmWorkers += 1;
      if (measureFromMs === Number.POSITIVE_INFINITY && warmWorkers >= shape.concurrency && doneMs >= warmupUntilMs) {
        measureFromMs = doneMs;
        endMs = doneMs + shape.measureMs;
      }
      const fraction = measureFromMs === Number.POSITIVE_INFINITY ? 0 : (doneMs - measureFromMs) / shape.measureMs;
      onTick?.(Math.min(1, Math.max(0, fraction)));
    }
  };
  await Promise.all(Array.from({ length: shape.concurrency }, (_, index) => worker(index)));
  const operationsTotal = opsDone.reduce((sum, ops) => sum + ops, 0);
  return { ...summarize(latenciesMs, errors, lastFinishMs - measureFromMs), failures, operationsTotal };
}
