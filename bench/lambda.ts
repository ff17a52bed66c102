/**
 * The Lambda-model section: the API served as Lambda serves it (scripts/local/lambda-model.ts: each request in flight
 * on its own warm instance of the bundled function, one request at a time, no module state shared), loaded by N
 * clients each sending one transfer at a time, so up to N warm `createTransfer` instances run at once and group
 * commit never sees two transfers. Five loads at each N: spread-out, hot credit and hot debit, and a hold placed and
 * captured into the hot account and out of the other (bench/lambda-loads.ts). Imports the ledger,
 * so it must be loaded after DYNAMODB_ENDPOINT and TABLE_NAME are set.
 */
import type { Caller } from '../lib/identity/model';
import { newTotpSecret, totpNow } from '../lib/identity/totp';
import { createAccount } from '../lib/ledger/accounts';
import { shardsMax } from '../lib/ledger/model';
import { ensureAdminUser } from '../scripts/admin-user';
import { countTransactWrites, logOffset, readSince } from './call-log';
import { apiHoldCaptures, apiPayments } from './drivers';
import { postJson } from './http';
import { runLoad, type LoadShape, type Operation } from './load';
import { lambdaLoadFunctions, lambdaLoads, lambdaStepLabel, type LambdaLoad, type LambdaPhase, type LambdaResults } from './lambda-loads';
import type { Fixture, PhaseContext } from './phases';
import { benchCurrency } from './seed';
import type { LambdaApi } from './stack';
import { ratio } from './stats';


const loginTimeoutMs = 30_000;
const adminPassword = 'bench-admin-password-0123456789';

/**
 * Runs every load at each instance count against the Lambda-model API. The first phase at a count warms up until
 * every client has posted twice (the first request of a new instance is a cold start); every phase drains before the
 * next begins, so the call log's lines between two phases are that phase's alone.
 */
export async function measureLambda(
  fixture: Fixture,
  lambda: LambdaApi,
  context: PhaseContext,
  options: { instanceCounts: readonly number[]; measureMs: number },
): Promise<LambdaResults> {
  const admin = await adminSession(lambda.api.url);
  // A settlement account that funds everyone is a hot account: as many shards as an account may have.
  const settlementId = (await createAccount(admin.caller, { currency: benchCurrency, type: 'system', name: 'bench settlement', shards: shardsMax })).id;
  const operations: Record<LambdaLoad, Operation> = {
    spread: apiPayments(lambda.api.url, fixture.user.token, (worker) => fixture.pairs[worker]!),
    hotCredit: apiPayments(lambda.api.url, fixture.user.token, (worker) => ({ fromId: fixture.pairs[worker]!.fromId, toId: fixture.merchantId })),
    hotDebit: apiPayments(lambda.api.url, admin.token, (worker) => ({ fromId: settlementId, toId: fixture.pairs[worker]!.toId })),
    holdCredit: apiHoldCaptures(lambda.api.url, fixture.user.token, (worker) => ({ fromId: fixture.pairs[worker]!.fromId, toId: fixture.merchantId })),
    holdDebit: apiHoldCaptures(lambda.api.url, admin.token, (worker) => ({ fromId: settlementId, toId: fixture.pairs[worker]!.toId })),
  };
  const results: LambdaResults = {};
  for (const instances of options.instanceCounts) {
    const row = {} as Record<LambdaLoad, LambdaPhase>;
    for (const load of lambdaLoads) {
      // Spread-out runs first at each count and starts the new `createTransfer` instances; the hot loads find them
      // warm. The first hold load at each count starts the `createHold` and `captureHold` instances the same way.
      const startsInstances = load === 'spread' || load === 'holdCredit';
      const shape: LoadShape = {
        concurrency: instances, warmupMs: context.timing.warmupMs, warmupOpsPerWorker: startsInstances ? 2 : 0, measureMs: options.measureMs,
      };
      context.progress.begin(lambdaStepLabel(load, instances));
      const from = logOffset(lambda.callLog);
      const result = await runLoad(shape, operations[load], (fraction) => context.progress.update(fraction));
      const transactWrites = countTransactWrites(readSince(lambda.callLog, from), lambdaLoadFunctions[load]);
      row[load] = { ...result, transactWrites, transactWritesPerPosted: ratio(transactWrites, result.operationsSucceeded) };
    }
    results[String(instances)] = row;
  }
  return results;
}

/**
 * An admin, made in the table with MFA on and logged in through the API with a code: only an admin with admin power
 * moves money out of a system account, and the token must be one the API signed.
 */
async function adminSession(apiUrl: string): Promise<{ token: string; caller: Caller }> {
  const email = `bench-admin-${Date.now()}@example.com`;
  const totpSecret = newTotpSecret();
  const { user } = await ensureAdminUser(email, adminPassword, { totpSecret });
  const answer = await postJson(`${apiUrl}/api/v1/users/login`, { email, password: adminPassword, totp: totpNow(totpSecret) }, {}, loginTimeoutMs);
  if (answer.status !== 200) throw new Error(`The bench admin could not log in: ${answer.status} ${answer.body.slice(0, 200)}`);
  return { token: String((JSON.parse(answer.body) as { accessToken: unknown }).accessToken), caller: { userId: user.id, role: 'admin', mfa: true } };
}
