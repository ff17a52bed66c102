import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import type { ColdStartReport } from './cold-start';
import type { CpuSample } from './cpu';
import { lambdaLoadLabels, lambdaLoads, type LambdaLoad, type LambdaResults } from './lambda-loads';
import { loginTimingTarget, type LoginTiming } from './login-timing';
import type {
  HotAccountResults, LoginResults, MeasuredPhase, RequestsPerTransfer, SplitResults, Timing, TransferResults,
} from './phases';
import { ratio, round } from './stats';
import { webhookRow, webhookTargetChecks, type WebhookPhase, type WebhookRow } from './webhook-results';

/** The limits issue 5 sets, on the machine the bench runs on. */
export const targets = {
  apiOverRawTpsMin: 0.8,
  apiOverRawP99Max: 1.5,
  bundleBytesMax: 300 * 1024,
  importMsMax: 50,
  hotOverSpreadTpsMin: 0.8,
  hotErrorsMax: 0,
  /** Issue 12, in the Lambda model at the most instances measured: each hot load against spread-out. */
  lambdaHotOverSpreadTpsMin: 0.8,
  lambdaHotWritesPerPostedMax: 1.5,
  lambdaHotOverSpreadP99Max: 2,
} as const;
/** The concurrency the throughput and p99 targets are judged at. */
export const targetConcurrency = '32';

export interface Machine {
  cpuCount: number;
  cpuModel: string;
  node: string;
  os: string;
  memoryGiB: number;
}

export interface TransferRow {
  rawTps: number; libTps: number; apiTps: number;
  rawP50Ms: number; rawP95Ms: number; rawP99Ms: number;
  libP50Ms: number; libP95Ms: number; libP99Ms: number;
  apiP50Ms: number; apiP95Ms: number; apiP99Ms: number;
  apiOverRawTps: number; apiOverRawP99: number;
  errors: { raw: number; lib: number; api: number };
  /** DynamoDB requests the ledger's client sent per posted transfer, in the lib phase. */
  libRequestsPerTransfer: RequestsPerTransfer;
  /** CPU ms per transfer in each process (bench, dynamodb, api), warm-up included. */
  cpuMsPerTransfer: { raw: CpuSample; lib: CpuSample; api: CpuSample };
}

export interface TargetCheck {
  name: string;
  target: string;
  measured: string;
  holds: boolean;
}

/** One load of the Lambda-model section, as latest.json holds it. */
export interface LambdaRow {
  tps: number;
  p50Ms: number;
  p99Ms: number;
  /** Failed transfers inside the window, and the same by status and problem code. */
  errors: number;
  errorsByKind: Record<string, number>;
  /** `TransactWriteItems` calls over the whole phase, warm-up and drain included, ÷ transfers posted in it. */
  transactWritesPerPosted: number;
  /** This load's transfers/s ÷ spread-out's at the same instance count. */
  overSpreadTps: number;
}

/** Everything `latest.json` holds. */
export interface BenchResults {
  machine: Machine;
  run: {
    mode: 'quick' | 'full';
    startedAt: string;
    durationS: number;
    timing: Timing;
    loadAverage1mAtStart: number;
    /** Seconds each step took (the last, writing the results, is not finished when they are written). */
    stepSeconds: Record<string, number>;
    notes: string[];
  };
  transfer: { concurrency: Record<string, TransferRow> };
  /** The 5-entry transaction (issue 14), raw and through the ledger in this process, by requests in flight. */
  split: Record<string, {
    rawTps: number; libTps: number; libOverRawTps: number; rawP99Ms: number; libP99Ms: number; libOverRawP99: number;
    errors: { raw: number; lib: number }; libTransactWritesPerPosted: number;
  }>;
  hotAccount: {
    tps: number; spreadTps: number; errors: number; spreadErrors: number; hotOverSpreadTps: number;
    p99Ms: number; spreadP99Ms: number;
    attemptsPerTransfer: number; spreadAttemptsPerTransfer: number; readsPerTransfer: number; spreadReadsPerTransfer: number;
    cpuMsPerTransfer: CpuSample; spreadCpuMsPerTransfer: CpuSample;
  };
  /** The Lambda model, by instance count: spread-out, hot credit and hot debit. */
  lambda: Record<string, Record<LambdaLoad, LambdaRow>>;
  /** Issue 16: a transfer's `transaction.posted` webhook, from the request to its first delivery, in process. */
  webhook: WebhookRow;
  /** The same at half that rate: what the pipeline does when the machine is not already saturated by the API. */
  webhookHalfRate: WebhookRow;
  coldStart: Record<string, { bytes: number; importMs: number; processMs: number }>;
  coldStartMethod: string;
  nodeStartupMs: number;
  login: {
    argon2idHashMs: number; argon2idVerifyMs: number; p50Ms: Record<string, number>; tps: Record<string, number>; errors: number;
    /** Unknown email against wrong password: both medians (ms) and how far apart they are. */
    timing: LoginTiming;
  };
  targets: TargetCheck[];
}

/** The machine the figures come from. */
export function describeMachine(): Machine {
  const cpuList = cpus();
  return {
    cpuCount: cpuList.length,
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    node: process.version,
    os: `${platform()} ${release()}`,
    memoryGiB: round(totalmem() / 1024 ** 3, 1),
  };
}

/** The 1-minute load average: other work on the machine competes with the bench for the same cores. */
export function loadAverage1m(): number {
  return round(loadavg()[0] ?? Number.NaN, 2);
}

/** Assembles the results from what each step measured, and checks them against the targets. */
export function assemble(parts: {
  machine: Machine;
  run: BenchResults['run'];
  transfers: TransferResults;
  splits: SplitResults;
  hot: HotAccountResults;
  cold: ColdStartReport;
  login: LoginResults;
  lambda: LambdaResults;
  webhook: WebhookPhase;
  webhookHalfRate: WebhookPhase;
}): BenchResults {
  const transfer: Record<string, TransferRow> = {};
  for (const [concurrency, modes] of Object.entries(parts.transfers.concurrency)) {
    transfer[concurrency] = transferRow(modes.raw, modes.lib, modes.api);
  }
  const split: BenchResults['split'] = {};
  for (const [concurrency, { raw, lib }] of Object.entries(parts.splits.concurrency)) {
    split[concurrency] = {
      rawTps: round(raw.tps), libTps: round(lib.tps), libOverRawTps: round(ratio(lib.tps, raw.tps), 2),
      rawP99Ms: round(raw.p99Ms), libP99Ms: round(lib.p99Ms), libOverRawP99: round(ratio(lib.p99Ms, raw.p99Ms), 2),
      errors: { raw: raw.errors, lib: lib.errors },
      libTransactWritesPerPosted: round(lib.requests?.transactWrites ?? Number.NaN, 2),
    };
  }
  const { hot, spread } = parts.hot;
  const hotAccount = {
    tps: round(hot.tps), spreadTps: round(spread.tps), errors: hot.errors, spreadErrors: spread.errors,
    hotOverSpreadTps: round(ratio(hot.tps, spread.tps), 2),
    p99Ms: round(hot.p99Ms), spreadP99Ms: round(spread.p99Ms),
    attemptsPerTransfer: round(hot.requests?.transactWrites ?? Number.NaN, 2),
    spreadAttemptsPerTransfer: round(spread.requests?.transactWrites ?? Number.NaN, 2),
    readsPerTransfer: round(hot.requests?.reads ?? Number.NaN, 2),
    spreadReadsPerTransfer: round(spread.requests?.reads ?? Number.NaN, 2),
    cpuMsPerTransfer: hot.cpuMsPerOperation,
    spreadCpuMsPerTransfer: spread.cpuMsPerOperation,
  };
  const coldStart: BenchResults['coldStart'] = {};
  for (const [name, fn] of Object.entries(parts.cold.functions)) {
    coldStart[name] = { bytes: fn.bytes, importMs: round(fn.importMs), processMs: round(fn.processMs) };
  }
  const logins = Object.entries(parts.login.concurrency);
  const login = {
    argon2idHashMs: round(parts.login.hashMs), argon2idVerifyMs: round(parts.login.verifyMs),
    p50Ms: Object.fromEntries(logins.map(([c, r]) => [c, round(r.p50Ms)])),
    tps: Object.fromEntries(logins.map(([c, r]) => [c, round(r.tps)])),
    errors: logins.reduce((sum, [, r]) => sum + r.errors, 0),
    timing: parts.login.timing,
  };
  const lambda: BenchResults['lambda'] = {};
  for (const [instances, loads] of Object.entries(parts.lambda)) lambda[instances] = lambdaRows(loads);
  const results = {
    machine: parts.machine, run: parts.run, transfer: { concurrency: transfer }, split, hotAccount, lambda,
    webhook: webhookRow(parts.webhook), webhookHalfRate: webhookRow(parts.webhookHalfRate), coldStart, coldStartMethod: parts.cold.method, nodeStartupMs: round(parts.cold.nodeStartupMs), login, targets: [],
  };
  return { ...results, targets: checkTargets(results) };
}

/** The loads at one instance count, each with its throughput against spread-out's. */
export function lambdaRows(loads: LambdaResults[string]): Record<LambdaLoad, LambdaRow> {
  const rows = {} as Record<LambdaLoad, LambdaRow>;
  for (const load of lambdaLoads) {
    const phase = loads[load];
    rows[load] = {
      tps: round(phase.tps), p50Ms: round(phase.p50Ms), p99Ms: round(phase.p99Ms),
      errors: phase.errors, errorsByKind: { ...phase.errorsByKind },
      transactWritesPerPosted: round(phase.transactWritesPerPosted, 2),
      overSpreadTps: round(ratio(phase.tps, loads.spread.tps), 2),
    };
  }
  return rows;
}

function transferRow(raw: MeasuredPhase, lib: MeasuredPhase, api: MeasuredPhase): TransferRow {
  const libRequests = lib.requests ?? { reads: Number.NaN, transactWrites: Number.NaN, cancelled: Number.NaN };
  return {
    rawTps: round(raw.tps), libTps: round(lib.tps), apiTps: round(api.tps),
    rawP50Ms: round(raw.p50Ms), rawP95Ms: round(raw.p95Ms), rawP99Ms: round(raw.p99Ms),
    libP50Ms: round(lib.p50Ms), libP95Ms: round(lib.p95Ms), libP99Ms: round(lib.p99Ms),
    apiP50Ms: round(api.p50Ms), apiP95Ms: round(api.p95Ms), apiP99Ms: round(api.p99Ms),
    apiOverRawTps: round(ratio(api.tps, raw.tps), 2),
    apiOverRawP99: round(ratio(api.p99Ms, raw.p99Ms), 2),
    errors: { raw: raw.errors, lib: lib.errors, api: api.errors },
    libRequestsPerTransfer: {
      reads: round(libRequests.reads, 2), transactWrites: round(libRequests.transactWrites, 2), cancelled: round(libRequests.cancelled, 2),
    },
    cpuMsPerTransfer: { raw: raw.cpuMsPerOperation, lib: lib.cpuMsPerOperation, api: api.cpuMsPerOperation },
  };
}

function checkTargets(results: Omit<BenchResults, 'targets'>): TargetCheck[] {
  const row = results.transfer.concurrency[targetConcurrency];
  const cold = Object.entries(results.coldStart);
  const largest = cold.reduce((a, b) => (b[1].bytes > a[1].bytes ? b : a));
  const slowest = cold.reduce((a, b) => (b[1].importMs > a[1].importMs ? b : a));
  const hot = results.hotAccount;
  return [
    {
      name: `api÷raw throughput at ${targetConcurrency} in flight`, target: `≥ ${targets.apiOverRawTpsMin}`,
      measured: `${row?.apiOverRawTps} (${row?.apiTps} vs ${row?.rawTps} /s)`, holds: (row?.apiOverRawTps ?? 0) >= targets.apiOverRawTpsMin,
    },
    {
      name: `api p99 ÷ raw p99 at ${targetConcurrency} in flight`, target: `≤ ${targets.apiOverRawP99Max}`,
      measured: `${row?.apiOverRawP99} (${row?.apiP99Ms} vs ${row?.rawP99Ms} ms)`,
      holds: (row?.apiOverRawP99 ?? Number.POSITIVE_INFINITY) <= targets.apiOverRawP99Max,
    },
    {
      name: 'largest function bundle', target: `≤ ${targets.bundleBytesMax / 1024} KiB`,
      measured: `${round(largest[1].bytes / 1024)} KiB (${largest[0]})`, holds: largest[1].bytes <= targets.bundleBytesMax,
    },
    {
      name: 'slowest function import', target: `≤ ${targets.importMsMax} ms`,
      measured: `${slowest[1].importMs} ms (${slowest[0]})`, holds: slowest[1].importMs <= targets.importMsMax,
    },
    {
      name: 'hot account ÷ spread-out throughput', target: `≥ ${targets.hotOverSpreadTpsMin}`,
      measured: `${hot.hotOverSpreadTps} (${hot.tps} vs ${hot.spreadTps} /s)`, holds: hot.hotOverSpreadTps >= targets.hotOverSpreadTpsMin,
    },
    {
      name: 'hot account errors', target: `${targets.hotErrorsMax}`, measured: String(hot.errors), holds: hot.errors <= targets.hotErrorsMax,
    },
    ...lambdaTargets(results.lambda),
    ...webhookTargetChecks(results.webhook),
    loginTimingTarget(results.login.timing),
  ];
}

/** The hot loads of the Lambda model, at the most instances measured, against spread-out at the same count. */
export function lambdaTargets(lambda: BenchResults['lambda']): TargetCheck[] {
  const counts = Object.keys(lambda).map(Number).sort((a, b) => a - b);
  const instances = counts.at(-1);
  if (instances === undefined) return [];
  const loads = lambda[String(instances)]!;
  const spread = loads.spread;
  return (['hotCredit', 'hotDebit'] as const).flatMap((load) => {
    const row = loads[load];
    const label = `Lambda model ×${instances}: ${lambdaLoadLabels[load]}`;
    const p99Ratio = round(ratio(row.p99Ms, spread.p99Ms), 2);
    return [
      {
        name: `${label} ÷ spread-out throughput`, target: `≥ ${targets.lambdaHotOverSpreadTpsMin}`,
        measured: `${row.overSpreadTps} (${row.tps} vs ${spread.tps} /s)`, holds: row.overSpreadTps >= targets.lambdaHotOverSpreadTpsMin,
      },
      { name: `${label} errors`, target: `${targets.hotErrorsMax}`, measured: String(row.errors), holds: row.errors <= targets.hotErrorsMax },
      {
        name: `${label} TransactWriteItems per posted transfer`, target: `≤ ${targets.lambdaHotWritesPerPostedMax}`,
        measured: String(row.transactWritesPerPosted), holds: row.transactWritesPerPosted <= targets.lambdaHotWritesPerPostedMax,
      },
      {
        name: `${label} p99 ÷ spread-out p99`, target: `≤ ${targets.lambdaHotOverSpreadP99Max}`,
        measured: `${p99Ratio} (${row.p99Ms} vs ${spread.p99Ms} ms)`, holds: p99Ratio <= targets.lambdaHotOverSpreadP99Max,
      },
    ];
  });
}
