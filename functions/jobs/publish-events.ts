import type { DynamoDBBatchResponse } from 'aws-lambda';
import { publishEvents } from '../../lib/events/publish';
import { logInfo } from '../../lib/http/log';
import { job } from '../../lib/jobs/publish-events';
import { withinRun, type RunContext } from '../../lib/jobs/repeat';
import { eventsOfStream, type StreamRecord } from '../../lib/storage/event-stream';

/**
 * The handler of the job lib/jobs/publish-events.ts declares: the batch's events, published in order; the first that
 * could not be is reported as the batch's item failure, and the stream retries from it.
 */
export async function handler(
  event: { Records: StreamRecord[] }, context: RunContext,
): Promise<DynamoDBBatchResponse> {
  const { events, undecodable } = eventsOfStream(event.Records);
  const result = await withinRun(context, () => publishEvents(events));
  const failed = result.failedSequence ?? undecodable;
  logInfo('events published', { job: job.name, records: event.Records.length, published: result.published, failedSequence: failed, undecodable });
  return { batchItemFailures: failed ? [{ itemIdentifier: failed }] : [] };
}
