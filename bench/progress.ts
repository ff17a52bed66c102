import { performance } from 'node:perf_hooks';

/** One step of the run and its expected share of the time, in estimated seconds. */
export interface Step {
  label: string;
  weightS: number;
}

const barWidth = 28;
const redrawIntervalMs = 100;

/**
 * A progress bar on stderr, so stdout stays clean for the report. On a terminal it redraws one line in place; piped
 * to a file or a CI log it prints one line per step instead of a stream of carriage returns.
 */
export class Progress {
  private readonly steps: readonly Step[];
  private readonly totalS: number;
  private readonly tty = process.stderr.isTTY === true;
  private readonly startedMs = performance.now();
  private index = -1;
  private fraction = 0;
  private lastDrawMs = 0;
  private stepStartedMs = 0;
  private readonly spentS: Record<string, number> = {};

  constructor(steps: readonly Step[]) {
    this.steps = steps;
    this.totalS = steps.reduce((sum, step) => sum + step.weightS, 0);
  }

  /** Starts the step named `label`; it must be one of the planned steps, in order. */
  begin(label: string): void {
    const next = this.steps.findIndex((step, i) => i > this.index && step.label === label);
    if (next < 0) throw new Error(`Progress step "${label}" was not planned (or came out of order).`);
    this.closeStep();
    this.index = next;
    this.fraction = 0;
    this.stepStartedMs = performance.now();
    if (this.tty) this.draw(true);
    else process.stderr.write(`[${this.percent().toString().padStart(3)}%] ${label} …\n`);
  }

  /** Reports how far (0–1) the current step has got. */
  update(fraction: number): void {
    this.fraction = Math.max(this.fraction, Math.min(1, fraction));
    if (this.tty) this.draw(false);
  }

  /** Ends the bar with the total time. */
  finish(): void {
    this.closeStep();
    this.index = this.steps.length;
    this.fraction = 0;
    const elapsedS = (performance.now() - this.startedMs) / 1000;
    if (this.tty) process.stderr.write(`\r${this.bar(1)} 100% done in ${elapsedS.toFixed(0)} s\x1b[K\n`);
    else process.stderr.write(`[100%] done in ${elapsedS.toFixed(0)} s\n`);
  }

  /** Seconds each finished step took, by label: where the run's time went. */
  spentSeconds(): Record<string, number> {
    return { ...this.spentS };
  }

  /** Clears the bar's line so that a message can be printed cleanly. */
  clear(): void {
    if (this.tty) process.stderr.write('\r\x1b[K');
  }

  private closeStep(): void {
    const step = this.steps[this.index];
    if (step) this.spentS[step.label] = Math.round((performance.now() - this.stepStartedMs) / 100) / 10;
  }

  private percent(): number {
    const doneS = this.steps.slice(0, Math.max(0, this.index)).reduce((sum, step) => sum + step.weightS, 0);
    const currentS = (this.steps[this.index]?.weightS ?? 0) * this.fraction;
    return Math.min(100, Math.floor(((doneS + currentS) / this.totalS) * 100));
  }

  private bar(fraction: number): string {
    const filled = Math.round(fraction * barWidth);
    return `[${'#'.repeat(filled)}${'-'.repeat(barWidth - filled)}]`;
  }

  private draw(force: boolean): void {
    const nowMs = performance.now();
    if (!force && nowMs - this.lastDrawMs < redrawIntervalMs) return;
    this.lastDrawMs = nowMs;
    const percent = this.percent();
    const elapsedS = ((nowMs - this.startedMs) / 1000).toFixed(0);
    const label = this.steps[this.index]?.label ?? '';
    process.stderr.write(`\r${this.bar(percent / 100)} ${percent.toString().padStart(3)}% ${elapsedS.padStart(3)} s  ${label}\x1b[K`);
  }
}
