/**
 * The webhook phase's figures (bench/webhook-latency.ts), apart from the code that measures them: what latest.json
 * holds, the issue 16 targets, and the report's section. Pure functions, so the unit tests can check them exactly.
 */
import type { TransferResults } from './phases';
import { percentile, round } from './stats';

/** The phase's progress step. */
export const webhookStepLabel = 'webhook first delivery';

/** Issue 16: a webhook's first delivery within 5 s of the commit, p99, at the rate of spread-out transfers. */
export const webhookTargets = { firstDeliveryP99MsMax: 5_000, missingMax: 0, badSignaturesMax: 0 } as const;

/** How the phase sends: the rate and in-flight limit of the API's spread-out transfers, and how long it runs. */
export interface WebhookShape {
  /** Transfers sent per second, open loop: `rateShare` of what the API's transfers reached at the most in flight. */
  tps: number;
  rateShare: number;
  /** At most this many in flight, each on a pair of its own: as many as those transfers had. */
  inFlightMax: number;
  warmupMs: number;
  measureMs: number;
  /** How long the phase waits, after the last transfer, for deliveries still to come. */
  drainMsMax: number;
}

/**
 * Sends as the API's spread-out transfers went at the most in flight (`api ×32`: each worker on its own pair, one
 * transfer at a time): at the rate they achieved, with no more in flight than they had. It is the same request to
 * the same API that `npm start` serves.
 */
export function webhookShape(
  transfers: TransferResults, timing: Omit<WebhookShape, 'tps' | 'inFlightMax' | 'rateShare'>, rateShare = 1,
): WebhookShape {
  const inFlightMax = Math.max(...Object.keys(transfers.concurrency).map(Number));
  const tps = transfers.concurrency[String(inFlightMax)]?.api.tps ?? Number.NaN;
  if (!(tps > 0)) throw new Error(`The API's transfers at ${inFlightMax} in flight measured no rate to send webhooks' transfers at.`);
  return { ...timing, tps: tps * rateShare, rateShare, inFlightMax };
}

/** A transfer sent inside the window and answered 201, and when its delivery arrived (`null`: not by the drain's end). */
export interface WebhookSample {
  sentMs: number;
  answeredMs: number;
  arrivedMs: number | null;
}

/** What the phase measured, unrounded. */
export interface WebhookPhase {
  shape: WebhookShape;
  samples: WebhookSample[];
  windowMs: number;
  drainMs: number;
  /** Transfers sent inside the window that were not answered 201, and the same by status and problem code. */
  errors: number;
  errorsByKind: Record<string, number>;
  failures: string[];
  /** Deliveries of an event that had arrived before (delivery is at least once). */
  repeats: number;
  /** Deliveries whose body was not an event. */
  unreadable: number;
  signatures: { checked: number; invalid: number };
}

/** Three figures of a latency, in ms. */
export interface LatencyFigures {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** The phase as latest.json holds it. */
export interface WebhookRow {
  /** How the transfers were sent, for a reader of latest.json. */
  pacing: string;
  /** The share of the API's spread-out rate asked for: 1 is the issue's target rate. */
  rateShare: number;
  pacedTps: number;
  /** Transfers sent inside the window and answered 201, per second of the window. */
  sentTps: number;
  inFlightMax: number;
  measureS: number;
  transfers: number;
  errors: number;
  errorsByKind: Record<string, number>;
  /** From the moment the transfer's request was sent to its first delivery's arrival; missing deliveries are not in it. */
  fromRequestMs: LatencyFigures;
  /** From the 201's arrival at the client to the first delivery's arrival. */
  fromAnswerMs: LatencyFigures;
  /** Transfers whose delivery had not arrived when the drain ended. */
  missing: number;
  drainS: number;
  drainSMax: number;
  repeats: number;
  unreadable: number;
  signaturesChecked: number;
  signaturesInvalid: number;
}

function figures(latenciesMs: number[]): LatencyFigures {
  const sorted = latenciesMs.sort((a, b) => a - b);
  return { p50Ms: round(percentile(sorted, 50)), p99Ms: round(percentile(sorted, 99)), maxMs: round(sorted.at(-1) ?? Number.NaN) };
}

/** Summarizes the phase: the latencies of the deliveries that arrived, and how many did not. */
export function webhookRow(phase: WebhookPhase): WebhookRow {
  const delivered = phase.samples.filter((sample): sample is WebhookSample & { arrivedMs: number } => sample.arrivedMs !== null);
  return {
    pacing: `open loop at ${phase.shape.rateShare}× the rate of api ×${phase.shape.inFlightMax}, at most ${phase.shape.inFlightMax} in flight`,
    rateShare: phase.shape.rateShare, pacedTps: round(phase.shape.tps), sentTps: round((phase.samples.length * 1000) / phase.windowMs), inFlightMax: phase.shape.inFlightMax,
    measureS: round(phase.windowMs / 1000), transfers: phase.samples.length, errors: phase.errors, errorsByKind: { ...phase.errorsByKind },
    fromRequestMs: figures(delivered.map(({ sentMs, arrivedMs }) => arrivedMs - sentMs)),
    fromAnswerMs: figures(delivered.map(({ answeredMs, arrivedMs }) => arrivedMs - answeredMs)),
    missing: phase.samples.length - delivered.length, drainS: round(phase.drainMs / 1000), drainSMax: round(phase.shape.drainMsMax / 1000),
    repeats: phase.repeats, unreadable: phase.unreadable,
    signaturesChecked: phase.signatures.checked, signaturesInvalid: phase.signatures.invalid,
  };
}

/** The issue 16 checks, as the report's targets table lists them. */
export function webhookTargetChecks(row: WebhookRow): Array<{ name: string; target: string; measured: string; holds: boolean }> {
  const { p50Ms, p99Ms, maxMs } = row.fromRequestMs;
  return [
    {
      name: `webhook first delivery p99, from the request sent (in process, ${row.pacedTps}/s asked)`,
      target: `≤ ${webhookTargets.firstDeliveryP99MsMax} ms`,
      measured: `${p99Ms} ms (p50 ${p50Ms}, max ${maxMs}; ${row.sentTps}/s sent)`,
      // A phase whose deliveries all went missing has no p99, and does not hold.
      holds: p99Ms <= webhookTargets.firstDeliveryP99MsMax,
    },
    {
      name: `webhook deliveries missing after a drain of at most ${row.drainSMax} s`, target: `${webhookTargets.missingMax}`,
      measured: `${row.missing} of ${row.transfers}`, holds: row.transfers > 0 && row.missing <= webhookTargets.missingMax,
    },
    {
      name: 'webhook deliveries failing Standard Webhooks verification', target: `${webhookTargets.badSignaturesMax}`,
      measured: `${row.signaturesInvalid} of ${row.signaturesChecked}`, holds: row.signaturesInvalid <= webhookTargets.badSignaturesMax,
    },
  ];
}

/** The report's section: how the phase runs, then a row per rate it ran at. */
export function webhookSection(rows: readonly WebhookRow[]): string[] {
  const cell = ({ p50Ms, p99Ms, maxMs }: LatencyFigures): string => `${p50Ms} / ${p99Ms} / ${maxMs}`;
  const inFlightMax = rows[0]?.inFlightMax ?? 0;
  return [
    '**Webhook first delivery** (issue 16): the event pipeline `npm start` runs beside the API (scripts/local/sweeper.ts, ' +
      'in a process of its own: the outbox\'s publisher on DynamoDB Local\'s stream, and delivery passes every second and ' +
      'after each batch it publishes, the only delivery runner: the API\'s serverless offline leaves that schedule off), and a receiver in the bench process on loopback that answers 204 at once, ' +
      'registered by a fresh user through `POST /v1/webhook-endpoints` for `transaction.posted`. Transfers go to the ' +
      `in-process API open loop at a share of the rate its spread-out transfers reached at ${inFlightMax} in flight ` +
      `(api ×${inFlightMax} above; 1× is the issue's rate), never more than ${inFlightMax} in flight, each on a pair of ` +
      `its own, for ${rows[0]?.measureS ?? 0} s, once one transfer's delivery has arrived (the pipeline starts at the ` +
      'stream\'s oldest record: it has then caught up with what the earlier phases wrote) and after a warm-up. Latency (ms) from ' +
      'the request being sent, and from its 201 arriving, to the first delivery of its event arriving; deliveries still ' +
      'missing when the drain ends are counted, not in the percentiles. Every delivery\'s signature is checked with ' +
      '`standardwebhooks`. `npm start -- --lambda` runs the same pipeline (only the API that writes the events differs); ' +
      'it is not measured there. At 1× the API is asked for all it reached with the machine to itself, while the ' +
      'pipeline\'s stream reads and delivery writes go to the same DynamoDB Local on the same cores: that row is over ' +
      'the machine\'s capacity by construction, and its latency grows for as long as its window lasts.',
    '',
    '| share of api rate | rate asked /s | sent /s | transfers | from request p50 / p99 / max | from 201 p50 / p99 / max | missing | drain s | repeats | bad signatures | errors |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
    ...rows.map((row) => {
      const errorKinds = Object.entries(row.errorsByKind).map(([kind, count]) => `${count} \`${kind}\``);
      return `| ${row.rateShare}× | ${row.pacedTps} | ${row.sentTps} | ${row.transfers} | **${cell(row.fromRequestMs)}** | ${cell(row.fromAnswerMs)} | ` +
        `${row.missing === 0 ? '0' : `**${row.missing}**`} | ${row.drainS} | ${row.repeats} | ${row.signaturesInvalid} of ${row.signaturesChecked} | ` +
        `${errorKinds.length === 0 ? String(row.errors) : `${row.errors} (${errorKinds.join(', ')})`} |`;
    }),
  ];
}
