/**
 * The measured phases that need the running stack: transfers three ways at each concurrency, the hot account, and
 * login. Imports the ledger, so it must be loaded after DYNAMODB_ENDPOINT and TABLE_NAME are set.
 */
import { performance } from 'node:perf_hooks';
import { hashPassword, verifyPassword } from '../lib/identity/passwords';
import { db } from '../lib/storage/client';
import { countRequests, type RequestCounts } from './counter';
import { apiLogins, apiTransfers, libPaymentsTo, libTransfers, rawTransfers } from './drivers';
import { runLoad, type LoadShape, type Operation, type PhaseResult } from './load';
import type { Progress } from './progress';
import { openAccount, registerAndLogin, seedPairs, type AccountPair, type BenchUser } from './seed';
import { median, ratio } from './stats';

/** The in-flight counts every transfer mode is measured at. */
export const transferConcurrencies = [1, 8, 32] as const;
/** The in-flight counts login is measured at. */
export const loginConcurrencies = [1, 8] as const;
const hotConcurrency = 32;
const pairsPerMode = Math.max(...transferConcurrencies);
/** Counts what the ledger's own client sends; made once, since a client takes one middleware of a name. */
const benchCounter = countRequests(db);

/** How long each phase runs; `--quick` shortens all of them. */
export interface Timing {
  warmupMs: number;
  measureMs: number;
  argon2Runs: number;
}

/** What the ledger's client sent per posted transfer during a phase. */
export interface RequestsPerTransfer {
  reads: number;
  transactWrites: number;
  cancelled: number;
}

export interface TransferResults {
  concurrency: Record<string, { raw: PhaseResult; lib: PhaseResult; api: PhaseResult; libRequests: RequestsPerTransfer }>;
}

export interface HotAccountResults {
  hot: PhaseResult;
  spread: PhaseResult;
  hotRequests: RequestsPerTransfer;
  spreadRequests: RequestsPerTransfer;
}

export interface LoginResults {
  hashMs: number;
  verifyMs: number;
  concurrency: Record<string, PhaseResult>;
}

/** The seeded world: one user, and account pairs that no two modes share. */
export interface Fixture {
  user: BenchUser;
  raw: AccountPair[];
  lib: AccountPair[];
  api: AccountPair[];
  merchantId: string;
}

/** Registers the bench user through the API and opens and funds every account the phases use. */
export async function seed(apiUrl: string): Promise<Fixture> {
  const user = await registerAndLogin(apiUrl);
  const [raw, lib, api] = [
    await seedPairs(user.caller, pairsPerMode),
    await seedPairs(user.caller, pairsPerMode),
    await seedPairs(user.caller, pairsPerMode),
  ];
  return { user, raw, lib, api, merchantId: await openAccount(user.caller) };
}

/**
 * The same transfer raw, through the ledger and through the API, at each concurrency. The three modes run back to
 * back at one concurrency before the next, so each row compares figures taken under the same conditions.
 */
export async function measureTransfers(fixture: Fixture, apiUrl: string, timing: Timing, progress: Progress): Promise<TransferResults> {
  const raw = await rawTransfers(fixture.raw, fixture.user.caller);
  const lib = libTransfers(fixture.lib, fixture.user.caller);
  const api = apiTransfers(apiUrl, fixture.api, fixture.user.token);
  const results: TransferResults = { concurrency: {} };
  for (const concurrency of transferConcurrencies) {
    const shape = shapeFor(concurrency, timing);
    const rawResult = await phase(progress, `raw ×${concurrency}`, shape, raw);
    const libResult = await phase(progress, `lib ×${concurrency}`, shape, lib, benchCounter);
    const apiResult = await phase(progress, `api ×${concurrency}`, shape, api);
    results.concurrency[String(concurrency)] = {
      raw: rawResult, lib: libResult.result, api: apiResult, libRequests: libResult.requests,
    };
  }
  return results;
}

/**
 * Every payer pays one merchant account, against the same payers paying their own payees, both through the ledger
 * in this process with the same number in flight. The request counts give attempts per posted transfer.
 */
export async function measureHotAccount(fixture: Fixture, timing: Timing, progress: Progress): Promise<HotAccountResults> {
  const shape = shapeFor(hotConcurrency, timing);
  const spread = await phase(progress, 'spread-out payments', shape, libTransfers(fixture.lib, fixture.user.caller), benchCounter);
  const hot = await phase(progress, 'hot account', shape, libPaymentsTo(fixture.merchantId, fixture.lib, fixture.user.caller), benchCounter);
  return { hot: hot.result, spread: spread.result, hotRequests: hot.requests, spreadRequests: spread.requests };
}

/** argon2id hash and verify in this process (median), then login over HTTP at each concurrency. */
export async function measureLogin(fixture: Fixture, apiUrl: string, timing: Timing, progress: Progress): Promise<LoginResults> {
  progress.begin('argon2id');
  const hashes: number[] = [];
  const verifies: number[] = [];
  let hash = '';
  for (let run = 0; run < timing.argon2Runs; run += 1) {
    let startedMs = performance.now();
    hash = await hashPassword(fixture.user.password);
    hashes.push(performance.now() - startedMs);
    startedMs = performance.now();
    if (!(await verifyPassword(hash, fixture.user.password))) throw new Error('argon2 did not verify its own hash.');
    verifies.push(performance.now() - startedMs);
    progress.update((run + 1) / timing.argon2Runs);
  }
  const login = apiLogins(apiUrl, fixture.user.email, fixture.user.password);
  const concurrency: Record<string, PhaseResult> = {};
  for (const inFlight of loginConcurrencies) {
    concurrency[String(inFlight)] = await phase(progress, `login ×${inFlight}`, shapeFor(inFlight, timing), login);
  }
  return { hashMs: median(hashes), verifyMs: median(verifies), concurrency };
}

function shapeFor(concurrency: number, timing: Timing): LoadShape {
  return { concurrency, warmupMs: timing.warmupMs, warmupOpsPerWorker: 2, measureMs: timing.measureMs };
}

async function phase(progress: Progress, label: string, shape: LoadShape, op: Operation): Promise<PhaseResult>;
async function phase(
  progress: Progress, label: string, shape: LoadShape, op: Operation, counter: typeof benchCounter,
): Promise<{ result: PhaseResult; requests: RequestsPerTransfer }>;
async function phase(
  progress: Progress, label: string, shape: LoadShape, op: Operation, counter?: typeof benchCounter,
) {
  progress.begin(label);
  // Counted from the start of the phase: warm-up and measurement have the same mix, and the ratio is what matters.
  counter?.reset();
  const result = await runLoad(shape, op, (fraction) => progress.update(fraction));
  if (!counter) return result;
  return { result, requests: perTransfer(counter.counts) };
}

function perTransfer(counts: RequestCounts): RequestsPerTransfer {
  const posted = counts.committed;
  return {
    reads: ratio(counts.reads, posted),
    transactWrites: ratio(counts.transactWrites, posted),
    cancelled: ratio(counts.cancelled, posted),
  };
}
