/**
 * The measured phases that need the running stack: transfers three ways at each concurrency, the hot account, and
 * login. Imports the ledger, so it must be loaded after DYNAMODB_ENDPOINT and TABLE_NAME are set.
 */
import { performance } from 'node:perf_hooks';
import { hashPassword, verifyPassword } from '../lib/identity/passwords';
import { db } from '../lib/storage/client';
import { countRequests } from './counter';
import { cpuPerOperation, type CpuSample } from './cpu';
import { apiLogins, apiTransfers, libPaymentsTo, libTransfers, rawTransfers } from './drivers';
import { runLoad, type LoadShape, type Operation, type PhaseResult } from './load';
import { measureLoginTiming, type LoginTiming } from './login-timing';
import type { Progress } from './progress';
import { openMerchant, registerAndLogin, seedPairs, type AccountPair, type BenchUser } from './seed';
import { libSplits, rawSplits, seedSplits, type SplitSet } from './splits';
import { median, ratio } from './stats';

/** The in-flight counts every transfer mode is measured at. */
export const transferConcurrencies = [1, 8, 32] as const;
/** The in-flight counts login is measured at. */
export const loginConcurrencies = [1, 8] as const;
const hotConcurrency = 32;
const pairsMax = Math.max(...transferConcurrencies);
/** Counts what the ledger's own client sends; made once, since a client takes one middleware of a name. */
const ledgerRequests = countRequests(db);

/** How long each phase runs; `--quick` shortens all of them. */
export interface Timing {
  warmupMs: number;
  measureMs: number;
  argon2Runs: number;
  /** Logins of each kind, unknown email and wrong password, whose medians are compared. */
  loginTimingSamples: number;
}

/** What every phase needs besides its operation: the progress bar, the timing, and a CPU sampler. */
export interface PhaseContext {
  progress: Progress;
  timing: Timing;
  sampleCpu: () => CpuSample;
}

/** What the ledger's client sent per posted transfer during a phase (`NaN` where the phase posted nothing). */
export interface RequestsPerTransfer {
  reads: number;
  transactWrites: number;
  cancelled: number;
}

/**
 * A measured phase, with the CPU each process spent per operation (warm-up included, where it can be read) and,
 * for phases through the ledger in this process, the requests its client sent per posted transfer.
 */
export interface MeasuredPhase extends PhaseResult {
  cpuMsPerOperation: CpuSample;
  requests?: RequestsPerTransfer;
}

export interface TransferResults {
  concurrency: Record<string, { raw: MeasuredPhase; lib: MeasuredPhase; api: MeasuredPhase }>;
}

/** The 5-entry transaction, raw and through the ledger, at each of `splitConcurrencies`. */
export interface SplitResults {
  concurrency: Record<string, { raw: MeasuredPhase; lib: MeasuredPhase }>;
}

/** The in-flight counts the 5-entry transaction is measured at. */
export const splitConcurrencies = [1, 8] as const;

export interface HotAccountResults {
  hot: MeasuredPhase;
  spread: MeasuredPhase;
}

export interface LoginResults {
  hashMs: number;
  verifyMs: number;
  concurrency: Record<string, MeasuredPhase>;
  /** Unknown email against wrong password, one at a time. */
  timing: LoginTiming;
}

/**
 * The seeded world: one user, a payer/payee pair per worker, and the merchant of the hot-account phase. Every mode
 * uses the same pairs, one phase at a time, so each worker's pair is only ever in one transfer at once.
 */
export interface Fixture {
  user: BenchUser;
  pairs: AccountPair[];
  merchantId: string;
  splits: SplitSet[];
}

/** Registers the bench user through the API and opens and funds every account the phases use. */
export async function seed(apiUrl: string): Promise<Fixture> {
  const user = await registerAndLogin(apiUrl);
  const pairs = await seedPairs(user.caller, pairsMax);
  const splits = await seedSplits(user.caller, pairs, Math.max(...splitConcurrencies));
  return { user, pairs, merchantId: await openMerchant(user.caller), splits };
}

/**
 * The same transfer raw, through the ledger and through the API, at each concurrency. The three modes run back to
 * back at one concurrency before the next, so each row compares figures taken under the same conditions.
 */
export async function measureTransfers(fixture: Fixture, apiUrl: string, context: PhaseContext): Promise<TransferResults> {
  const raw = rawTransfers(fixture.pairs, fixture.user.caller);
  const lib = libTransfers(fixture.pairs, fixture.user.caller);
  const api = apiTransfers(apiUrl, fixture.pairs, fixture.user.token);
  const results: TransferResults = { concurrency: {} };
  for (const concurrency of transferConcurrencies) {
    await raw.refresh();
    results.concurrency[String(concurrency)] = {
      raw: await phase(context, `raw ×${concurrency}`, shapeFor(concurrency, context.timing), raw.op),
      lib: await phase(context, `lib ×${concurrency}`, shapeFor(concurrency, context.timing), lib),
      api: await phase(context, `api ×${concurrency}`, apiShapeFor(concurrency, context.timing), api),
    };
  }
  return results;
}

/**
 * A 5-entry transaction raw and through the ledger, at each concurrency, back to back, each worker on its own payer
 * and payees: what the ledger costs over its own `TransactWriteItems` for a movement of more than two entries.
 */
export async function measureSplits(fixture: Fixture, context: PhaseContext): Promise<SplitResults> {
  const raw = rawSplits(fixture.splits, fixture.user.caller);
  const lib = libSplits(fixture.splits, fixture.user.caller);
  const results: SplitResults = { concurrency: {} };
  for (const concurrency of splitConcurrencies) {
    await raw.refresh();
    results.concurrency[String(concurrency)] = {
      raw: await phase(context, `raw 5-entry ×${concurrency}`, shapeFor(concurrency, context.timing), raw.op),
      lib: await phase(context, `lib 5-entry ×${concurrency}`, shapeFor(concurrency, context.timing), lib),
    };
  }
  return results;
}

/**
 * Every payer pays one merchant account, against the same payers paying their own payees, both through the ledger
 * in this process with the same number in flight. The request counts give attempts per posted transfer.
 */
export async function measureHotAccount(fixture: Fixture, context: PhaseContext): Promise<HotAccountResults> {
  const shape = shapeFor(hotConcurrency, context.timing);
  const { caller } = fixture.user;
  const spread = await phase(context, 'spread-out payments', shape, libTransfers(fixture.pairs, caller));
  // The last phase of the run: its contended stragglers can take the ledger's whole retry budget, and nothing after
  // it needs a quiet system, so the run does not wait for them.
  const hot = await phase(context, 'hot account', { ...shape, drain: false }, libPaymentsTo(fixture.merchantId, fixture.pairs, caller));
  return { spread, hot };
}

/**
 * argon2id hash and verify in this process (median), then login over HTTP at each concurrency, then the medians of an
 * unknown email and a wrong password.
 */
export async function measureLogin(fixture: Fixture, apiUrl: string, context: PhaseContext): Promise<LoginResults> {
  context.progress.begin('argon2id');
  const hashes: number[] = [];
  const verifies: number[] = [];
  for (let run = 0; run < context.timing.argon2Runs; run += 1) {
    let startedMs = performance.now();
    const hash = await hashPassword(fixture.user.password);
    hashes.push(performance.now() - startedMs);
    startedMs = performance.now();
    if (!(await verifyPassword(hash, fixture.user.password))) throw new Error('argon2 did not verify its own hash.');
    verifies.push(performance.now() - startedMs);
    context.progress.update((run + 1) / context.timing.argon2Runs);
  }
  const login = apiLogins(apiUrl, fixture.user.email, fixture.user.password);
  const concurrency: Record<string, MeasuredPhase> = {};
  for (const inFlight of loginConcurrencies) {
    concurrency[String(inFlight)] = await phase(context, `login ×${inFlight}`, apiShapeFor(inFlight, context.timing), login);
  }
  context.progress.begin('login: unknown email vs wrong password');
  const timing = await measureLoginTiming(apiUrl, context.timing.loginTimingSamples, (fraction) => context.progress.update(fraction));
  return { hashMs: median(hashes), verifyMs: median(verifies), concurrency, timing };
}

/** In process, the code and the client's connections are warm after the first phase: the warm-up is time alone. */
function shapeFor(concurrency: number, timing: Timing): LoadShape {
  return { concurrency, warmupMs: timing.warmupMs, warmupOpsPerWorker: 0, measureMs: timing.measureMs };
}

/**
 * Over HTTP the handlers load lazily: serverless offline loads each handler on its first request. Two operations
 * per worker make sure every handler a phase calls is loaded, and every keep-alive connection open, before anything
 * is measured.
 */
function apiShapeFor(concurrency: number, timing: Timing): LoadShape {
  return { ...shapeFor(concurrency, timing), warmupOpsPerWorker: 2 };
}

/** Runs one phase under the progress bar, with CPU and ledger-request accounting around it. */
async function phase(context: PhaseContext, label: string, shape: LoadShape, op: Operation): Promise<MeasuredPhase> {
  context.progress.begin(label);
  // Counted over the whole phase, warm-up included: the mix is the same, and per-operation ratios are what matter.
  ledgerRequests.reset();
  const cpuBefore = context.sampleCpu();
  const result = await runLoad(shape, op, (fraction) => context.progress.update(fraction));
  const cpuMsPerOperation = cpuPerOperation(cpuBefore, context.sampleCpu(), result.operationsTotal);
  const counts = ledgerRequests.counts;
  // A committed write may carry a batch of transfers (group commit), so transfers posted are counted by the load.
  const posted = result.operationsSucceeded;
  const requests = counts.committed === 0 || posted === 0 ? undefined : {
    reads: ratio(counts.reads, posted),
    transactWrites: ratio(counts.transactWrites, posted),
    cancelled: ratio(counts.cancelled, posted),
  };
  return { ...result, cpuMsPerOperation, ...(requests ? { requests } : {}) };
}
