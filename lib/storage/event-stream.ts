import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { EventRecord } from '../events/model';
import { eventFromItem } from './events';

/*
 * The table's stream as the publisher sees it: the records of event items inserted (the event source mapping's filter
 * lets only those through), each carrying the whole item in its new image, so the publisher reads nothing back.
 */

/** A stream record, as Lambda hands it over, in the parts the publisher reads. */
export interface StreamRecord {
  eventName?: string;
  dynamodb?: {
    Keys?: Record<string, unknown>;
    NewImage?: Record<string, unknown>;
    SequenceNumber?: string;
  };
}

/** An event read off the stream, with the record's sequence number (what a batch item failure names). */
export interface StreamedEvent {
  sequence: string;
  event: EventRecord;
}

/** Whether a record is an event item's insert: what the filter lets through, checked again here. */
function isEventInsert(record: StreamRecord): boolean {
  const pk = (record.dynamodb?.Keys?.pk as { S?: string } | undefined)?.S;
  return record.eventName === 'INSERT' && record.dynamodb?.NewImage !== undefined && pk?.startsWith('EVENT#') === true;
}

/**
 * The events of a batch of stream records, in order, up to the first event image that does not decode (a bug in its
 * writer), whose sequence number is then `undecodable`: the publisher publishes those before it and reports it failed.
 * A record that is no event insert (a filter set otherwise) is skipped.
 */
export function eventsOfStream(records: readonly StreamRecord[]): { events: StreamedEvent[]; undecodable?: string } {
  const events: StreamedEvent[] = [];
  for (const record of records.filter(isEventInsert)) {
    const sequence = String(record.dynamodb!.SequenceNumber);
    try {
      events.push({ sequence, event: eventFromItem(unmarshall(record.dynamodb!.NewImage as Record<string, AttributeValue>)) });
    } catch {
      return { events, undecodable: sequence };
    }
  }
  return { events };
}
