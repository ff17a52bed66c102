import type { Context } from 'aws-lambda';
import { withDeadline } from '../request-context';

/*
 * A scheduled job acts more often than EventBridge's finest schedule (a minute) by making several passes in each run,
 * for as long as the run has time for another. Each pass runs under a deadline inside the time the run has left
 * (`withinRun`, which a stream job's single pass uses as well), so that a DynamoDB call still in flight is aborted,
 * and the handler answers and logs, before Lambda stops the run.
 */

/** What a run keeps back from every pass: the time its handler needs to answer and log after the last one. */
const runMarginMs = 2_000;

/** The part of Lambda's context a run reads. */
export type RunContext = Pick<Context, 'functionName' | 'getRemainingTimeInMillis'>;

/** How a run spaces its passes, and when it stops. */
export interface Repetition {
  /** Passes one run makes at the most; as many as its time allows when absent. */
  passesMax?: number;
  /**
   * The wait before each pass after the first: until `startsEveryMs` after the previous one started (a pass that
   * took longer is followed at once), or a pause of `pauseMs` after it ended.
   */
  spacing: { startsEveryMs: number } | { pauseMs: number };
  /** The time a pass needs: another starts only if the run has that much left after the wait, besides its margin. */
  passNeedsMs: number;
  /** The most time one pass is given; whatever the run has left, less its margin, bounds it in any case. */
  passBudgetMs?: number;
}

/** Runs `pass` under a deadline: at most `budgetMs`, and within the time the run has left less its margin. */
export function withinRun<T>(context: RunContext, pass: () => Promise<T>, budgetMs = Infinity): Promise<T> {
  return withDeadline(Math.min(budgetMs, context.getRemainingTimeInMillis() - runMarginMs), pass, context.functionName);
}

/** Runs `pass` once, then again as `repetition` spaces it while the run has time; answers each pass's result in order. */
export async function repeatPasses<T>(context: RunContext, repetition: Repetition, pass: () => Promise<T>): Promise<T[]> {
  const { passesMax = Infinity, spacing, passNeedsMs, passBudgetMs = Infinity } = repetition;
  const results: T[] = [];
  let startedMs = Date.now();
  for (let passes = 0; passes < passesMax; passes += 1) {
    if (passes > 0) {
      const waitMs = 'pauseMs' in spacing ? spacing.pauseMs : Math.max(0, spacing.startsEveryMs - (Date.now() - startedMs));
      if (context.getRemainingTimeInMillis() < waitMs + passNeedsMs + runMarginMs) break;
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
    startedMs = Date.now();
    results.push(await withinRun(context, pass, passBudgetMs));
  }
  return results;
}
