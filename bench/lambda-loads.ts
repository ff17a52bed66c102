/**
 * The loads of the Lambda-model section (bench/lambda.ts), apart from the code that runs them: the run plan and the
 * results read these before the ledger may be imported.
 */
import type { PhaseResult } from './load';

/** The instance counts the section is measured at. */
export const lambdaInstanceCounts = [8, 32] as const;
/** The three loads, in the order they run at each instance count. */
export const lambdaLoads = ['spread', 'hotCredit', 'hotDebit'] as const;
export type LambdaLoad = (typeof lambdaLoads)[number];

/** What each load is, for the progress bar and the report. */
export const lambdaLoadLabels: Record<LambdaLoad, string> = {
  spread: 'spread-out',
  hotCredit: 'hot credit',
  hotDebit: 'hot debit',
};

/** A measured load, with the `TransactWriteItems` its `createTransfer` instances sent per posted transfer. */
export interface LambdaPhase extends PhaseResult {
  /** `TransactWriteItems` calls over the whole phase (warm-up and drain included) ÷ transfers posted in it. */
  transactWritesPerPosted: number;
  transactWrites: number;
}

export type LambdaResults = Record<string, Record<LambdaLoad, LambdaPhase>>;

/** The progress step of one load at one instance count. */
export function lambdaStepLabel(load: LambdaLoad, instances: number): string {
  return `Lambda model: ${lambdaLoadLabels[load]} ×${instances}`;
}

