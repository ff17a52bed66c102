/**
 * The webhook phase (issue 16): with the event pipeline `npm start` runs beside the API (bench/stack.ts), how long
 * after a transfer is sent to the API its `transaction.posted` event reaches a loopback receiver, as a webhook
 * registered through the API. Transfers are sent open loop at the rate the API's spread-out transfers reached, each
 * in flight on its own pair of accounts, so the pipeline keeps up with that load or shows that it does not. Imports the ledger (through ./seed), so it
 * must be loaded after DYNAMODB_ENDPOINT and TABLE_NAME are set.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Service } from '../scripts/local/supervise';
import { ApiAnswerError, requestTimeoutMs } from './drivers';
import { postJson } from './http';
import { errorKind } from './load';
import type { PhaseContext } from './phases';
import { benchCurrency, registerAndLogin, seedPairs, type AccountPair, type BenchUser } from './seed';
import { startReceiver, type WebhookReceiver } from '../scripts/local/webhook-receiver';
import { webhookStepLabel, type WebhookPhase, type WebhookSample, type WebhookShape } from './webhook-results';

/** A warm-up that has seen no delivery by then means the pipeline does not run: the phase fails. */
const warmupMsMax = 60_000;
const failuresKept = 3;
const drainPollMs = 50;

/** What the phase needs from the stack: the API to send to, and a way to start the event pipeline. */
export interface WebhookStack {
  apiUrl: string;
  startEventPipeline: (shutdown: AbortSignal) => Promise<Service>;
}

/**
 * Starts the pipeline and a receiver, registers a fresh user's endpoint for `transaction.posted` and opens that
 * user's pairs (a fresh user, so the events of earlier phases, which the pipeline reads back, are no deliveries of
 * its), then sends, drains and checks every delivery's signature. The pipeline is stopped before the phase returns.
 */
export async function measureWebhookLatency(stack: WebhookStack, context: PhaseContext, shape: WebhookShape, shutdown: AbortSignal): Promise<WebhookPhase> {
  context.progress.begin(webhookStepLabel);
  const receiver = await startReceiver();
  // A pipeline that started is stopped with the stack even when this phase fails before it stops it itself.
  let pipeline: Service | undefined;
  try {
    const [started, user] = await Promise.all([stack.startEventPipeline(shutdown), registerAndLogin(stack.apiUrl)]);
    pipeline = started;
    const pairs = await seedPairs(user.caller, shape.inFlightMax);
    const secret = await registerEndpoint(stack.apiUrl, user.token, receiver.url);
    const transfer = transferOn(stack.apiUrl, user, pairs);
    await caughtUp(transfer, receiver);
    const sent = await sendPaced(shape, transfer, () => receiver.firstArrivalMs.size > 0, context);
    const drainMs = await drain(sent.samples, receiver, shape.drainMsMax);
    const samples: WebhookSample[] = sent.samples.map(({ transactionId, sentMs, answeredMs }) => ({
      sentMs, answeredMs, arrivedMs: receiver.firstArrivalMs.get(transactionId) ?? null,
    }));
    return {
      shape, samples, windowMs: shape.measureMs, drainMs, errors: sent.errors, errorsByKind: sent.errorsByKind, failures: sent.failures,
      repeats: receiver.repeats(), unreadable: receiver.unreadable(), signatures: receiver.verify(secret),
    };
  } finally {
    await pipeline?.stop();
    await receiver.close();
  }
}

/** Registers `url` for the user's `transaction.posted` events through the API; answers the endpoint's secret. */
async function registerEndpoint(apiUrl: string, token: string, url: string): Promise<string> {
  const body = { url, events: ['transaction.posted'], description: 'bench: first-delivery latency' };
  const answer = await postJson(`${apiUrl}/v1/webhook-endpoints`, body, { authorization: `Bearer ${token}` }, requestTimeoutMs);
  if (answer.status !== 201) throw new ApiAnswerError('POST /v1/webhook-endpoints', answer.status, answer.body);
  return String((JSON.parse(answer.body) as { secret: unknown }).secret);
}

/** `POST /v1/transfers` of one minor unit on lane `lane`'s own pair; answers the posted transaction's id. */
function transferOn(apiUrl: string, user: BenchUser, pairs: readonly AccountPair[]): (lane: number) => Promise<string> {
  return async (lane) => {
    const pair = pairs[lane]!;
    const body = { fromAccountId: pair.fromId, toAccountId: pair.toId, amount: 1, currency: benchCurrency };
    const headers = { authorization: `Bearer ${user.token}`, 'idempotency-key': `bench-webhook-${randomUUID()}` };
    const answer = await postJson(`${apiUrl}/v1/transfers`, body, headers, requestTimeoutMs);
    if (answer.status !== 201) throw new ApiAnswerError('POST /v1/transfers', answer.status, answer.body);
    return String((JSON.parse(answer.body) as { id: unknown }).id);
  };
}

/**
 * Sends one transfer and waits for its delivery. The pipeline starts at the stream's oldest record, so it first reads
 * what the earlier phases wrote while it was not running; once this delivery arrives it has caught up, and the paced
 * load measures it in its steady state rather than behind that backlog.
 */
async function caughtUp(transfer: (lane: number) => Promise<string>, receiver: WebhookReceiver): Promise<void> {
  const transactionId = await transfer(0);
  for (const startMs = performance.now(); !receiver.firstArrivalMs.has(transactionId); await sleep(drainPollMs)) {
    if (performance.now() - startMs > warmupMsMax) throw new Error(`No webhook delivery arrived within ${warmupMsMax / 1000} s of the first transfer.`);
  }
}

/** A transfer sent inside the window and answered 201: when it was sent and answered (`performance.now()`). */
interface Sent {
  transactionId: string;
  sentMs: number;
  answeredMs: number;
}

/**
 * Sends transfer after transfer at `shape.tps`, open loop: the n-th is due n ÷ tps after the start, whatever became
 * of the others, from `shape.inFlightMax` lanes that each have one in flight at most (a lane behind its schedule sends
 * at once). The window opens once the warm-up has lasted `warmupMs` and `delivering` holds, so the pipeline is known
 * to run end to end; it lasts `measureMs`, and the transfers sent inside it are the samples. Nothing is sent after it.
 */
async function sendPaced(shape: WebhookShape, transfer: (lane: number) => Promise<string>, delivering: () => boolean, context: PhaseContext) {
  const startMs = performance.now();
  let windowFromMs = Number.POSITIVE_INFINITY;
  let windowToMs = Number.POSITIVE_INFINITY;
  let gaveUp = false;
  let ticket = 0;
  const samples: Sent[] = [];
  const failures: string[] = [];
  const errorsByKind: Record<string, number> = {};
  let errors = 0;
  const watch = setInterval(() => {
    const nowMs = performance.now();
    if (windowFromMs === Number.POSITIVE_INFINITY && nowMs - startMs >= shape.warmupMs && delivering()) {
      windowFromMs = nowMs;
      windowToMs = nowMs + shape.measureMs;
    }
    gaveUp = windowFromMs === Number.POSITIVE_INFINITY && nowMs - startMs > warmupMsMax;
    context.progress.update(Number.isFinite(windowFromMs) ? Math.min(1, (nowMs - windowFromMs) / shape.measureMs) : 0);
  }, 10);
  const lane = async (index: number): Promise<void> => {
    while (!gaveUp) {
      const dueMs = startMs + (ticket++ * 1000) / shape.tps;
      if (dueMs > performance.now()) await sleep(dueMs - performance.now());
      const sentMs = performance.now();
      if (sentMs >= windowToMs || gaveUp) return;
      try {
        const transactionId = await transfer(index);
        if (sentMs >= windowFromMs) samples.push({ transactionId, sentMs, answeredMs: performance.now() });
      } catch (error) {
        if (failures.length < failuresKept) failures.push(error instanceof Error ? error.message : String(error));
        if (sentMs < windowFromMs) continue;
        errors += 1;
        errorsByKind[errorKind(error)] = (errorsByKind[errorKind(error)] ?? 0) + 1;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: shape.inFlightMax }, (_, index) => lane(index)));
  } finally {
    clearInterval(watch);
  }
  if (gaveUp) throw new Error(`No webhook delivery arrived within ${warmupMsMax / 1000} s of the first transfer: ${failures.join('; ') || 'no failures seen'}`);
  return { samples, errors, errorsByKind, failures };
}

/** Waits until every sample's delivery has arrived, or `drainMsMax` has passed; answers how long it waited. */
async function drain(samples: readonly Sent[], receiver: WebhookReceiver, drainMsMax: number): Promise<number> {
  const startMs = performance.now();
  const arrived = (): boolean => samples.every(({ transactionId }) => receiver.firstArrivalMs.has(transactionId));
  while (!arrived() && performance.now() - startMs < drainMsMax) await sleep(drainPollMs);
  return performance.now() - startMs;
}
