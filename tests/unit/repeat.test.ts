import { repeatPasses, type Repetition } from '../../lib/jobs/repeat';
import { deadlineSignal } from '../../lib/request-context';

/**
 * Runs `repeatPasses` on fake timers in a run of `runMs`, each pass taking `passMs`; answers when each pass started,
 * in ms from the run's start, and whether each ran under a deadline.
 */
async function starts(runMs: number, passMs: number, repetition: Repetition): Promise<{ startsMs: number[]; bounded: boolean[] }> {
  const runStartMs = Date.now();
  const context = { functionName: 'job', getRemainingTimeInMillis: () => runStartMs + runMs - Date.now() };
  const startsMs: number[] = [];
  const bounded: boolean[] = [];
  const run = repeatPasses(context, repetition, async () => {
    startsMs.push(Date.now() - runStartMs);
    bounded.push(deadlineSignal() !== undefined);
    await new Promise((resolve) => setTimeout(resolve, passMs));
  });
  await jest.advanceTimersByTimeAsync(runMs);
  expect(await run).toHaveLength(startsMs.length);
  return { startsMs, bounded };
}

describe('a job run of repeated passes', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  it('pauses between passes, up to the most it may make, while another has the time it needs', async () => {
    const sweeps: Repetition = { passesMax: 3, spacing: { pauseMs: 20_000 }, passNeedsMs: 8_000 };
    expect(await starts(58_000, 1_000, sweeps)).toEqual({ startsMs: [0, 21_000, 42_000], bounded: [true, true, true] });
    // After the second sweep (ending at 22 s) 28 s are left: less than the pause, the sweep and the run's margin.
    expect((await starts(50_000, 1_000, sweeps)).startsMs).toEqual([0, 21_000]);
  });

  it('starts passes at an interval, a late one at once, while another has the time it needs', async () => {
    const passes: Repetition = { spacing: { startsEveryMs: 5_000 }, passNeedsMs: 15_000, passBudgetMs: 15_000 };
    // The pass starting at 40 s ends at 41 s with 17 s left: less than the wait, the pass and the margin (21 s).
    expect((await starts(58_000, 1_000, passes)).startsMs).toEqual([0, 5_000, 10_000, 15_000, 20_000, 25_000, 30_000, 35_000, 40_000]);
    // A pass longer than the interval is followed at once (within the millisecond a timer of 0 takes in Node).
    const late = (await starts(58_000, 7_000, passes)).startsMs;
    expect(late).toHaveLength(6);
    expect(late.slice(1).map((startMs, index) => startMs - late[index]!)).toEqual(Array(5).fill(7_001));
  });
});
