import type { MeasuredPhase, TransferResults } from '../../bench/phases';
import {
  webhookRow, webhookSection, webhookShape, webhookTargetChecks, type WebhookPhase, type WebhookSample,
} from '../../bench/webhook-results';

const shape = { tps: 100, rateShare: 1, inFlightMax: 32, warmupMs: 2000, measureMs: 8000, drainMsMax: 45000 };

/** A phase of `samples`, otherwise clean: no errors, every signature good. */
function phase(samples: WebhookSample[], extra: Partial<WebhookPhase> = {}): WebhookPhase {
  return {
    shape, samples, windowMs: 8000, drainMs: 1234, errors: 0, errorsByKind: {}, failures: [], repeats: 0, unreadable: 0,
    signatures: { checked: samples.length, invalid: 0 }, ...extra,
  };
}

/** 100 transfers sent 10 ms apart, each answered 50 ms later, delivered `i × 10` ms after it was sent. */
function spreadSamples(): WebhookSample[] {
  return Array.from({ length: 100 }, (_, i) => ({ sentMs: i * 10, answeredMs: i * 10 + 50, arrivedMs: i * 10 + (i + 1) * 10 }));
}

describe('the webhook phase\'s row', () => {
  it('takes percentiles from the request and from the 201, and the rate over the window', () => {
    const row = webhookRow(phase(spreadSamples()));
    expect(row.fromRequestMs).toEqual({ p50Ms: 500, p99Ms: 990, maxMs: 1000 });
    expect(row.fromAnswerMs).toEqual({ p50Ms: 450, p99Ms: 940, maxMs: 950 });
    expect(row).toMatchObject({ transfers: 100, sentTps: 12.5, pacedTps: 100, missing: 0, drainS: 1.2, drainSMax: 45, measureS: 8 });
  });

  it('counts a delivery that never came as missing, and leaves it out of the percentiles', () => {
    const samples = spreadSamples();
    samples[99] = { ...samples[99]!, arrivedMs: null };
    const row = webhookRow(phase(samples));
    expect(row.missing).toBe(1);
    expect(row.fromRequestMs.maxMs).toBe(990);
    const missing = webhookTargetChecks(row).find((check) => check.name.startsWith('webhook deliveries missing'));
    expect(missing).toMatchObject({ measured: '1 of 100', holds: false });
  });

  it('has no percentiles, and holds no target, when nothing was delivered or sent', () => {
    const none = webhookRow(phase([{ sentMs: 0, answeredMs: 1, arrivedMs: null }]));
    expect(none.fromRequestMs.p99Ms).toBeNaN();
    expect(webhookTargetChecks(none).slice(0, 2).map((check) => check.holds)).toEqual([false, false]);
    expect(webhookTargetChecks(webhookRow(phase([]))).slice(0, 2).map((check) => check.holds)).toEqual([false, false]);
  });
});

describe('the webhook targets', () => {
  it('hold at a p99 of 5 s and fail past it, with every delivery there and signed', () => {
    const at = (ms: number) => webhookRow(phase([{ sentMs: 0, answeredMs: 10, arrivedMs: ms }]));
    expect(webhookTargetChecks(at(5000)).map((check) => check.holds)).toEqual([true, true, true]);
    const late = webhookTargetChecks(at(5000.1));
    expect(late[0]).toMatchObject({ target: '≤ 5000 ms', holds: false });
    expect(late[0]!.measured).toContain('5000.1 ms');
  });

  it('fail on a bad signature', () => {
    const row = webhookRow(phase(spreadSamples(), { signatures: { checked: 120, invalid: 1 } }));
    expect(webhookTargetChecks(row)[2]).toMatchObject({ measured: '1 of 120', holds: false });
  });
});

describe('the webhook section of the report', () => {
  it('shows the latencies, the missing count marked when it is not 0, and errors by kind', () => {
    const samples = spreadSamples();
    samples[0] = { ...samples[0]!, arrivedMs: null };
    const row = webhookRow(phase(samples, { errors: 2, errorsByKind: { '503 ledger_busy': 2 } }));
    const table = webhookSection([row]).slice(-1)[0]!;
    expect(table).toContain("**510 / 1000 / 1000** | 460 / 950 / 950");
    expect(table).toContain('| **1** |');
    expect(table).toContain('2 (2 `503 ledger_busy`)');
    expect(webhookSection([webhookRow(phase(spreadSamples()))]).slice(-1)[0]).toMatch(/\| 0 \| 1\.2 \|/);
  });

  it('shows a row per rate, each with its share of the API\'s rate', () => {
    const half = webhookRow(phase(spreadSamples(), { shape: { ...shape, tps: 50, rateShare: 0.5 } }));
    const rows = webhookSection([half, webhookRow(phase(spreadSamples()))]).slice(-2);
    expect(rows.map((row) => row.split(' | ').slice(0, 2).join(' | '))).toEqual(['| 0.5× | 50', '| 1× | 100']);
  });
});

describe('the webhook phase\'s pace', () => {
  const measured = (tps: number) => ({ tps } as MeasuredPhase);
  const transfers = (apiTps: number): TransferResults => ({
    concurrency: Object.fromEntries([['1', 40], ['8', 90], ['32', apiTps]].map(([c, tps]) => [c, { raw: measured(1), lib: measured(1), api: measured(Number(tps)) }])),
  });

  it('is the rate the API\'s transfers reached at the most in flight, with no more in flight', () => {
    expect(webhookShape(transfers(117.3), { warmupMs: 1, measureMs: 2, drainMsMax: 3 })).toEqual({
      tps: 117.3, rateShare: 1, inFlightMax: 32, warmupMs: 1, measureMs: 2, drainMsMax: 3,
    });
    expect(webhookShape(transfers(117.3), { warmupMs: 1, measureMs: 2, drainMsMax: 3 }, 0.5)).toMatchObject({ tps: 58.65, rateShare: 0.5 });
  });

  it('refuses a phase that measured no rate', () => {
    expect(() => webhookShape(transfers(0), { warmupMs: 1, measureMs: 2, drainMsMax: 3 })).toThrow(/no rate/);
  });
});
