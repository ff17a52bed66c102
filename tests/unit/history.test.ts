/**
 * A balance at a time and a statement's range, as pure functions: exact times (`instantNs`), the minting rule that
 * keeps each shard's entries in time order (`mintedAt`), and the binary search over a shard's `seq` that finds the
 * last entry within a bound, checked against a plain scan of generated histories.
 */
import fc from 'fast-check';
import { instantNs, latestOf, mintedAt, parseInstantNs } from '../../lib/ledger/instants';
import type { Caller } from '../../lib/identity/model';
import type { AccountRecord } from '../../lib/ledger/model';
import { accountsAfter, ledgerWrite, planTransfer } from '../../lib/ledger/rules';
import { transactItems } from '../../lib/storage/ledger-write';
import { balanceQuery, statementQuery } from '../../lib/ledger/schemas';
import {
  narrow, nextProbe, searchAll, startSearch, stillHolds, sumWithin, type EntryPoint, type Probe, type ShardSearch, type Within,
} from '../../lib/ledger/seq-search';

const baseMs = Date.parse('2026-12-06T10:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

describe('instantNs', () => {
  it.each([
    ['2026-12-06T10:00:00Z', BigInt(baseMs) * 1_000_000n],
    ['2026-12-06T10:00:00.000Z', BigInt(baseMs) * 1_000_000n],
    ['2026-12-06T11:00:00+01:00', BigInt(baseMs) * 1_000_000n],
    ['2026-12-06T09:30:00-00:30', BigInt(baseMs) * 1_000_000n],
    ['2026-12-06T10:00:00.5Z', BigInt(baseMs) * 1_000_000n + 500_000_000n],
    ['2026-12-06T10:00:00.000000001Z', BigInt(baseMs) * 1_000_000n + 1n],
    ['2026-12-06T10:00:00.123456789Z', BigInt(baseMs) * 1_000_000n + 123_456_789n],
    ['1969-12-31T23:59:59.999Z', -1_000_000n],
  ])('reads %s exactly', (text, ns) => {
    expect(instantNs(text)).toBe(ns);
  });

  it('tells apart times a millisecond clock cannot', () => {
    expect(instantNs('2026-12-06T10:00:00.0001Z')).toBeGreaterThan(instantNs('2026-12-06T10:00:00.000Z'));
    expect(instantNs('2026-12-06T10:00:00.0009Z')).toBeLessThan(instantNs('2026-12-06T10:00:00.001Z'));
  });

  it.each(['2026-12-06', '2026-12-06T10:00Z', '2026-12-06T10:00:00', '2026-12-06T10:00:00.1234567891Z', 'yesterday'])(
    'is not defined for %p', (text) => {
      expect(parseInstantNs(text)).toBeUndefined();
      expect(() => instantNs(text)).toThrow('Assertion failed');
    },
  );
});

describe('mintedAt', () => {
  it('is now when every shard was written earlier', () => {
    expect(mintedAt([{ updatedAt: iso(baseMs - 5) }, undefined], baseMs)).toBe(iso(baseMs));
  });

  it('is the latest write of a shard it posts to when this clock is behind it, so entries never go back in time', () => {
    expect(mintedAt([{ updatedAt: iso(baseMs - 5) }, { updatedAt: iso(baseMs + 7000) }], baseMs)).toBe(iso(baseMs + 7000));
  });

  it('latestOf picks the latest time of a write', () => {
    expect(latestOf([iso(baseMs + 3), iso(baseMs + 9), iso(baseMs + 1)])).toBe(iso(baseMs + 9));
    expect(() => latestOf([])).toThrow('Assertion failed');
  });
});

describe('a batch planned in one process', () => {
  it('keeps every shard in time order, its clock stepping back between two plans, and leaves each updatedAt at or after its last entry', () => {
    const admin: Caller = { userId: 'admin', role: 'admin', mfa: true };
    const opened = (id: string, writtenMs: number): AccountRecord => ({
      id, ownerId: 'owner', type: 'system', currency: 'USD', name: null, status: 'active', metadata: {}, shards: 1, shard: 0, balance: 0, pending: 0, seq: 0,
      createdAt: iso(baseMs), updatedAt: iso(writtenMs),
    });
    const [a, b, c, d] = [opened('a', baseMs + 9000), opened('b', baseMs), opened('c', baseMs), opened('d', baseMs)];
    const initiatedBy = { userId: 'admin', role: 'admin' as const, requestId: null, sourceIp: null };
    const plan = (from: AccountRecord, to: AccountRecord, id: string, nowMs: number) => planTransfer(
      admin, { fromAccountId: from.id, toAccountId: to.id, amount: 5, currency: 'USD' }, from, to, { id, createdAt: mintedAt([from, to], nowMs), initiatedBy },
    );
    const first = plan(a, b, 't1', baseMs + 1000);
    const [, bAfter] = accountsAfter(first);
    const second = plan(bAfter!, c, 't2', baseMs + 500);
    // a was last written at +9 s by a process whose clock is ahead: t1 is minted then, and t2 after it on b.
    expect([first, second].map((p) => p.transaction.createdAt)).toEqual([iso(baseMs + 9000), iso(baseMs + 9000)]);
    // The batch's last transaction touches neither a nor b, and is minted by the clock: earlier than t1.
    const last = plan(d, opened('e', baseMs), 't3', baseMs + 400);
    expect(last.transaction.createdAt).toBe(iso(baseMs + 400));
    const { items } = transactItems(ledgerWrite([first, second, last]));
    const written = items.flatMap((item) => ('Update' in item && item.Update ? [String(item.Update.ExpressionAttributeValues![':now'])] : []));
    expect(written).toHaveLength(5);
    expect(written.every((now) => now >= iso(baseMs + 9000))).toBe(true);
  });
});

/** A shard's history: each entry's time (non-decreasing) and balance after it. */
type History = EntryPoint[];

function shardOf(history: History, shard = 0, openedMs = baseMs - 1000): AccountRecord {
  return {
    id: 'acct', ownerId: 'owner', type: 'system', currency: 'USD', name: null, status: 'active', metadata: {}, shards: 1, shard,
    balance: history.at(-1)?.balanceAfter ?? 0, pending: 0, seq: history.length, createdAt: iso(openedMs),
    updatedAt: history.at(-1)?.createdAt ?? iso(openedMs),
  };
}

/** A reader of in-memory histories (one per shard) that counts its rounds and what it read. */
function reader(histories: History[]) {
  const rounds: Probe[][] = [];
  const read = async (probes: readonly Probe[]) => {
    rounds.push([...probes]);
    return probes.map(({ shard, seq }) => histories[shard]![seq - 1]);
  };
  return { read, rounds };
}

const atOrBefore = (ms: number): Within => (createdAt) => Date.parse(createdAt) <= ms;
const before = (ms: number): Within => (createdAt) => Date.parse(createdAt) < ms;

/** The plain answer: the balance after the last entry within the bound, by scanning. */
function scanned(history: History, within: Within): { lo: number; balanceAfter: number } {
  let lo = 0;
  history.forEach((entry, index) => { if (within(entry.createdAt)) lo = index + 1; });
  return { lo, balanceAfter: lo === 0 ? 0 : history[lo - 1]!.balanceAfter };
}

describe('the search over a shard', () => {
  // Times in ms after baseMs: two ties at 20 and three at 40.
  const times = [10, 20, 20, 30, 40, 40, 40, 50];
  const history: History = times.map((ms, index) => ({ createdAt: iso(baseMs + ms), balanceAfter: (index + 1) * 100 }));

  it.each([
    ['before the account was opened', atOrBefore(baseMs - 2000), 0, 0],
    ['after opening, before the first entry', atOrBefore(baseMs + 9), 0, 0],
    ['exactly at the first entry', atOrBefore(baseMs + 10), 1, 100],
    ['exactly at a tie: every entry of that time', atOrBefore(baseMs + 20), 3, 300],
    ['between entries', atOrBefore(baseMs + 35), 4, 400],
    ['exactly at the three-way tie', atOrBefore(baseMs + 40), 7, 700],
    ['at the last entry', atOrBefore(baseMs + 50), 8, 800],
    ['after the last entry', atOrBefore(baseMs + 5000), 8, 800],
    ['strictly before a tie: none of it', before(baseMs + 40), 4, 400],
    ['strictly before the first', before(baseMs + 10), 0, 0],
  ])('%s', async (_, within, lo, balanceAfter) => {
    const { read } = reader([history]);
    const [search] = await searchAll([startSearch(shardOf(history), within)], within, read);
    expect(search).toMatchObject({ lo, balanceAfter, hi: lo + 1 });
  });

  it('reads nothing for a time before the account was opened, or after its last write', async () => {
    const { read, rounds } = reader([history]);
    await searchAll([startSearch(shardOf(history), atOrBefore(baseMs - 2000))], atOrBefore(baseMs - 2000), read);
    const [after] = await searchAll([startSearch(shardOf(history), atOrBefore(baseMs + 50))], atOrBefore(baseMs + 50), read);
    expect(rounds).toEqual([]);
    expect(after).toMatchObject({ lo: 8, balanceAfter: 800, hiSeen: 'unwritten' });
  });

  it('takes O(log n) rounds, one read of every shard\'s probe per round', async () => {
    const long: History = Array.from({ length: 1000 }, (_, index) => ({ createdAt: iso(baseMs + index), balanceAfter: index + 1 }));
    const short: History = long.slice(0, 37);
    const { read, rounds } = reader([long, short, []]);
    const within = atOrBefore(baseMs + 20.5);
    const shards = [shardOf(long, 0), shardOf(short, 1), shardOf([], 2)];
    const searches = await searchAll(shards.map((shard) => startSearch(shard, within)), within, read);
    expect(searches.map((search) => search.balanceAfter)).toEqual([21, 21, 0]);
    expect(rounds.length).toBeLessThanOrEqual(Math.ceil(Math.log2(1001)));
    expect(rounds.every((round) => new Set(round.map((probe) => probe.shard)).size === round.length)).toBe(true);
  });

  it('agrees with a plain scan of any history in time order, at any bound, inclusive or not', async () => {
    const histories = fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 60 }).map((steps) => {
      let ms = baseMs;
      return steps.map((step, index) => ({ createdAt: iso((ms += step)), balanceAfter: index * 7 - 50 }));
    });
    await fc.assert(fc.asyncProperty(histories, fc.integer({ min: -2, max: 200 }), fc.boolean(), async (generated, offsetMs, strict) => {
      const within = strict ? before(baseMs + offsetMs) : atOrBefore(baseMs + offsetMs);
      const { read, rounds } = reader([generated]);
      const [search] = await searchAll([startSearch(shardOf(generated, 0, baseMs - 1), within)], within, read);
      expect({ lo: search!.lo, balanceAfter: search!.balanceAfter }).toEqual(scanned(generated, within));
      expect(rounds.length).toBeLessThanOrEqual(Math.ceil(Math.log2(generated.length + 1)));
    }));
  });

  it('refuses a probe outside its search, and an entry missing below the shard\'s seq', () => {
    const search: ShardSearch = { shard: 0, lo: 2, balanceAfter: 0, hi: 5, hiSeen: 'unwritten' };
    expect(nextProbe(search)).toBe(3);
    expect(nextProbe({ ...search, lo: 4 })).toBeUndefined();
    expect(() => narrow(search, 5, history[4], atOrBefore(baseMs))).toThrow('Assertion failed');
    expect(() => narrow(search, 3, undefined, atOrBefore(baseMs))).toThrow('Assertion failed');
  });
});

describe('stillHolds', () => {
  const history: History = [{ createdAt: iso(baseMs + 10), balanceAfter: 5 }];
  const within = atOrBefore(baseMs + 100);
  const done: ShardSearch[] = [
    { shard: 0, lo: 1, balanceAfter: 5, hi: 2, hiSeen: 'unwritten' },
    { shard: 1, lo: 0, balanceAfter: 0, hi: 1, hiSeen: 'outside' },
  ];

  it('holds when nothing landed since, reading only the shards that had no entry past the bound', async () => {
    const { read, rounds } = reader([history, []]);
    expect(await stillHolds(done, within, read)).toBe(true);
    expect(rounds).toEqual([[{ shard: 0, seq: 2 }]]);
  });

  it('holds when what landed since is later than the bound', async () => {
    const { read } = reader([[...history, { createdAt: iso(baseMs + 101), balanceAfter: 9 }], []]);
    expect(await stillHolds(done, within, read)).toBe(true);
  });

  it('fails when an entry within the bound landed mid-search (a sweep seen on one shard and not on another)', async () => {
    const { read } = reader([[...history, { createdAt: iso(baseMs + 100), balanceAfter: 0 }], []]);
    expect(await stillHolds(done, within, read)).toBe(false);
  });
});

describe('sumWithin', () => {
  // A hot account of two shards: 100 on shard 0 and 50 on shard 1 at +10 ms, then a sweep at +20 ms moves the 50 in.
  const at = (ms: number, balanceAfter: number): EntryPoint => ({ createdAt: iso(baseMs + ms), balanceAfter });
  const swept: History[] = [[at(10, 100), at(20, 150)], [at(10, 50), at(20, 0)]];
  const shardsOf = (histories: History[]) => histories.map((history, shard) => ({ ...shardOf(history, shard), shards: 2 }));
  const within = atOrBefore(baseMs + 100);

  it('sums every shard at one moment', async () => {
    const { read } = reader(swept);
    expect(await sumWithin(async () => shardsOf(swept), within, read, 3, async () => {})).toBe(150);
    expect(await sumWithin(async () => shardsOf(swept), atOrBefore(baseMs + 15), read, 3, async () => {})).toBe(150);
  });

  it('searches again when its read of the shards saw a sweep on one shard and not on the other', async () => {
    // Shard 0 read after the sweep landed, shard 1 before it: 150 + 50 counted, unless the recheck catches it.
    const torn = [shardsOf(swept)[0]!, shardsOf([swept[1]!.slice(0, 1)])[0]!];
    const reads = [torn, shardsOf(swept)];
    const pauses: number[] = [];
    const { read } = reader(swept);
    const sum = await sumWithin(async () => reads.shift()!, within, read, 3, async (attempt) => { pauses.push(attempt); });
    expect(sum).toBe(150);
    expect(pauses).toEqual([0]);
  });

  it('gives up after its attempts while every read is torn', async () => {
    const torn = () => [shardsOf(swept)[0]!, { ...shardsOf([swept[1]!.slice(0, 1)])[0]!, shard: 1 }];
    const { read } = reader(swept);
    expect(await sumWithin(async () => torn(), within, read, 3, async () => {})).toBeUndefined();
  });
});

describe('the query schemas', () => {
  it.each([
    [{ at: '2026-12-06T10:00:00Z' }, true],
    [{ at: '2026-12-06T10:00:00.123456789+05:30' }, true],
    [{ at: '2026-12-06' }, false],
    [{ at: '2026-02-30T10:00:00Z' }, false],
    [{ at: '2026-12-06T10:00:00.1234567891Z' }, false],
    [{ at: '1733480000' }, false],
    [{ at: '2026-12-06T10:00:00Z', other: '1' }, false],
  ])('balance %p: accepted %p', (query, accepted) => {
    expect(balanceQuery.safeParse(query).success).toBe(accepted);
  });

  it.each([
    [{ from: '2026-12-06T10:00:00Z' }, true],
    [{ to: '2026-12-06T10:00:00Z' }, true],
    [{ from: '2026-12-06T10:00:00Z', to: '2026-12-06T10:00:00.000000001Z' }, true],
    [{ from: '2026-12-06T10:00:00Z', to: '2026-12-06T10:00:00Z' }, false],
    [{ from: '2026-12-06T10:00:00Z', to: '2026-12-06T11:00:00+01:00' }, false],
    [{ from: '2026-12-06T10:00:01Z', to: '2026-12-06T10:00:00Z' }, false],
    [{ from: 'bad', to: '2026-12-06T10:00:00Z' }, false],
  ])('statement %p: accepted %p', (query, accepted) => {
    const result = statementQuery.safeParse(query);
    expect(result.success).toBe(accepted);
    if (!accepted && 'from' in query && query.from !== 'bad') expect(result.error!.issues.map((issue) => issue.path)).toEqual([['to']]);
  });
});
