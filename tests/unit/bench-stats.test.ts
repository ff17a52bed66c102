import { median, percentile, ratio, summarize } from '../../bench/stats';

describe('bench statistics', () => {
  const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('takes nearest-rank percentiles', () => {
    expect(percentile(oneToHundred, 50)).toBe(50);
    expect(percentile(oneToHundred, 95)).toBe(95);
    expect(percentile(oneToHundred, 99)).toBe(99);
    expect(percentile(oneToHundred, 100)).toBe(100);
    // Ten values: the 99th percentile is the largest, never an interpolation past it.
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99)).toBe(10);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(percentile([7], 1)).toBe(7);
  });

  it('refuses percentiles outside (0, 100] and answers NaN for no samples', () => {
    expect(() => percentile(oneToHundred, 0)).toThrow(RangeError);
    expect(() => percentile(oneToHundred, 101)).toThrow(RangeError);
    expect(percentile([], 50)).toBeNaN();
  });

  it('takes the median of unsorted values', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('summarizes latencies in any order over the elapsed time', () => {
    const shuffled = [...oneToHundred].reverse();
    const summary = summarize(shuffled, 2, 2000);
    expect(summary).toEqual({ count: 100, errors: 2, tps: 50, p50Ms: 50, p95Ms: 95, p99Ms: 99, maxMs: 100 });
    // The input is not sorted in place: callers keep their samples as they were.
    expect(shuffled[0]).toBe(100);
  });

  it('divides only finite numbers by a non-zero one', () => {
    expect(ratio(3, 4)).toBe(0.75);
    expect(ratio(3, 0)).toBeNaN();
    expect(ratio(Number.NaN, 4)).toBeNaN();
  });
});
