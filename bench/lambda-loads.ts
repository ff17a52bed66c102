/**
 * The loads of the Lambda-model section (bench/lambda.ts), apart from the code that runs them: the run plan and the
 * results read these before the ledger may be imported.
 */
import type { PhaseResult } from './load';

/** The instance counts the section is measured at. */
export const lambdaInstanceCounts = [8, 32] as const;
/**
 * The loads, in the order they run at each instance count: transfers spread out, into one hot account and out of
 * one; then holds, each placed and captured at once, into the hot account and out of the other.
 */
export const lambdaLoads = ['spread', 'hotCredit', 'hotDebit', 'holdCredit', 'holdDebit'] as const;
export type LambdaLoad = (typeof lambdaLoads)[number];

/** What each load is, for the progress bar and the report. */
export const lambdaLoadLabels: Record<LambdaLoad, string> = {
  spread: 'spread-out',
  hotCredit: 'hot credit',
  hotDebit: 'hot debit',
  holdCredit: 'hold → capture, hot credit',
  holdDebit: 'hold → capture, hot debit',
};

/** The functions whose `TransactWriteItems` a load's operations send: a transfer's, or a hold's and its capture's. */
export const lambdaLoadFunctions: Record<LambdaLoad, readonly string[]> = {
  spread: ['createTransfer'],
  hotCredit: ['createTransfer'],
  hotDebit: ['createTransfer'],
  holdCredit: ['createHold', 'captureHold'],
  holdDebit: ['createHold', 'captureHold'],
};

/**
 * A measured load, with the `TransactWriteItems` its functions sent per operation that succeeded (a transfer, or a
 * hold placed and captured: two writes at best).
 */
export interface LambdaPhase extends PhaseResult {
  /** `TransactWriteItems` calls over the whole phase (warm-up and drain included) ÷ operations that succeeded in it. */
  transactWritesPerPosted: number;
  transactWrites: number;
}

export type LambdaResults = Record<string, Record<LambdaLoad, LambdaPhase>>;

/** The progress step of one load at one instance count. */
export function lambdaStepLabel(load: LambdaLoad, instances: number): string {
  return `Lambda model: ${lambdaLoadLabels[load]} ×${instances}`;
}

