/**
 * `npm run events:republish -- --from <ISO time> --to <ISO time>`: publishes every event created in that span again,
 * to the stage's EventBridge bus (EVENT_BUS_NAME, where it has one) and to the webhooks (a delivery already enqueued is
 * not enqueued again). Run it for a span the publisher gave up on: the message in its failure queue
 * (`payments-<stage>-stream-failures`) gives the records' first and last arrival times.
 *
 * Against the local table by default (DYNAMODB_ENDPOINT defaults to DynamoDB Local on DYNAMODB_PORT); set
 * DYNAMODB_ENDPOINT= (empty), TABLE_NAME and EVENT_BUS_NAME to republish a deployed stage's with your AWS credentials.
 */
import { parseArgs } from 'node:util';

const usage = 'usage: npm run events:republish -- --from 2026-12-06T10:00:00.000Z --to 2026-12-06T10:05:00.000Z';

/** An ISO 8601 time, normalized as events store theirs, or `undefined`. */
function isoTime(text: string | undefined): string | undefined {
  const ms = text === undefined ? Number.NaN : Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { from: { type: 'string' }, to: { type: 'string' } } });
  const from = isoTime(values.from);
  const to = isoTime(values.to);
  if (!from || !to || from > to) {
    console.error(usage);
    return 2;
  }
  if (process.env.DYNAMODB_ENDPOINT === undefined) {
    process.env.DYNAMODB_ENDPOINT = `http://127.0.0.1:${process.env.DYNAMODB_PORT || 8000}`;
  }
  // Imported once the endpoint is set: the storage client reads its configuration on load.
  const { republishSpan } = await import('../lib/events/republish');
  const { stageBus } = await import('../lib/storage/event-bus');
  const { published } = await republishSpan(from, to, stageBus);
  console.log(`Published ${published} event${published === 1 ? '' : 's'} from ${from} to ${to} again${stageBus ? ` (bus ${stageBus.name} and webhooks)` : ' (webhooks; no bus is set)'}.`);
  return 0;
}

main().then((code) => process.exit(code), (error: unknown) => {
  console.error(`events:republish failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
