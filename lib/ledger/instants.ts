import { assert } from '../errors';

/*
 * Points in time, as the ledger compares them. A transaction's `createdAt` has millisecond precision; a time a client
 * asks about (RFC 3339) may have up to nine fraction digits and any offset. Both are compared exactly, as whole
 * nanoseconds since the epoch in a `bigint`, so that "at or before" and "before" never round a tie either way.
 */

/** An RFC 3339 time as its parts: up to the seconds, the fraction digits, the zone (`Z` or `±hh:mm`). */
const rfc3339Parts = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Nanoseconds since the epoch of an RFC 3339 time that the edge's schema accepted (`rfc3339` in ./fields.ts), or of a
 * stored `createdAt`. Anything else is a bug: the edge refuses it first.
 */
export function instantNs(text: string): bigint {
  const ns = parseInstantNs(text);
  assert(ns !== undefined, 'a time is an RFC 3339 date-time of at most nine fraction digits');
  return ns;
}

/** Nanoseconds since the epoch of an RFC 3339 time, or `undefined` for text that is not one. */
export function parseInstantNs(text: string): bigint | undefined {
  const parts = rfc3339Parts.exec(text);
  const secondsMs = parts ? Date.parse(`${parts[1]}${parts[3]}`) : NaN;
  if (!parts || !Number.isSafeInteger(secondsMs)) return undefined;
  return BigInt(secondsMs) * 1_000_000n + BigInt((parts[2] ?? '').padEnd(9, '0'));
}

/** Nanoseconds since the epoch of now, by this process's clock. */
export function nowNs(nowMs = Date.now()): bigint {
  return BigInt(nowMs) * 1_000_000n;
}

/**
 * The `createdAt` a new transaction is minted with: now, or the latest time any shard it posts to was written at
 * (its `updatedAt`, as read), whichever is later. A shard's `updatedAt` is never before its last entry's `createdAt`
 * (the ledger write sets it to the latest `createdAt` it writes, `latestOf`), and the write commits only if every
 * shard's `seq` is still as read, so each shard's entries are numbered in order of `createdAt` (ties allowed) even
 * when the clocks of the processes writing it disagree. That order is what lets a balance at a time and a statement's
 * `to` be found by binary search over `seq` (./seq-search.ts). `npm run reconcile` checks it on every shard.
 */
export function mintedAt(legs: ReadonlyArray<{ updatedAt: string } | undefined>, nowMs = Date.now()): string {
  const latestMs = legs.reduce((ms, leg) => (leg ? Math.max(ms, Date.parse(leg.updatedAt)) : ms), nowMs);
  assert(Number.isSafeInteger(latestMs), 'a shard was written at a time on the calendar');
  return new Date(latestMs).toISOString();
}

/** The latest of some `createdAt` times (ISO 8601 in UTC, as `toISOString` writes them). */
export function latestOf(times: readonly string[]): string {
  assert(times.length > 0, 'the latest of no times is not defined');
  return times.reduce((latest, time) => (Date.parse(time) > Date.parse(latest) ? time : latest));
}
