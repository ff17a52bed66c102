/**
 * Statistics for the benchmark. Pure functions, no I/O, so the unit tests can check them exactly.
 */

/** A summary of one measured phase: throughput, latency percentiles and the error count. */
export interface PhaseSummary {
  /** Operations that succeeded inside the measurement window. */
  count: number;
  errors: number;
  /** Successful operations per second of wall time in the window. */
  tps: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
}

/**
 * The nearest-rank percentile of `valuesSorted` (ascending): the smallest value such that at least `p` percent of the
 * values are at or below it. `NaN` for an empty list, so a phase with no samples cannot pass for a fast one.
 */
export function percentile(valuesSorted: readonly number[], p: number): number {
  if (!(p > 0 && p <= 100)) throw new RangeError(`A percentile is in (0, 100], not ${p}.`);
  if (valuesSorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * valuesSorted.length);
  return valuesSorted[Math.min(rank, valuesSorted.length) - 1]!;
}

/** The median of `values` (any order): the mean of the middle two for an even count. `NaN` for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** Summarizes latencies (ms, any order) measured over `elapsedMs` of wall time. */
export function summarize(latenciesMs: readonly number[], errors: number, elapsedMs: number): PhaseSummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return {
    count: sorted.length,
    errors,
    tps: elapsedMs > 0 ? (sorted.length * 1000) / elapsedMs : 0,
    p50Ms: percentile(sorted, 50),
    p95Ms: percentile(sorted, 95),
    p99Ms: percentile(sorted, 99),
    maxMs: sorted.at(-1) ?? Number.NaN,
  };
}

/** `a ÷ b`, or `NaN` when `b` is zero or either side is not a finite number. */
export function ratio(a: number, b: number): number {
  return Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? a / b : Number.NaN;
}

/** Rounds to `digits` decimals for the report (the raw samples are never rounded). */
export function round(value: number, digits = 1): number {
  if (!Number.isFinite(value)) return value;
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
