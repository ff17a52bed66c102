import fc from 'fast-check';
import { GroupCommit, type Claim, type Queued } from '../../lib/ledger/group-commit';

/** A request names what it claims; the runner records each batch and answers every member with its own id. */
interface Req {
  id: number;
  shared: string[];
  exclusive?: string[];
  items?: number;
}

class BusyError extends Error {}

/** A queue whose batches stay open until the test releases them, so what runs together can be observed. */
function harness(options: { itemsMax?: number; waitingMax?: number; budgetMs?: number; run?: (batch: ReadonlyArray<Queued<Req, number>>) => Promise<void> } = {}) {
  const batches: number[][] = [];
  const open = new Map<number, () => void>();
  const running = new Set<string>();
  const overlaps: string[] = [];
  const queue = new GroupCommit<Req, number>({
    claimOf: (r): Claim => ({ shared: r.shared, exclusive: r.exclusive ?? [], items: r.items ?? 3 }),
    run: options.run ?? (async (batch) => {
      const names = new Set(batch.flatMap((m) => [...m.request.shared, ...(m.request.exclusive ?? [])]));
      for (const name of names) if (running.has(name)) overlaps.push(name);
      for (const name of names) running.add(name);
      const index = batches.push(batch.map((m) => m.request.id)) - 1;
      await new Promise<void>((release) => open.set(index, release));
      for (const name of names) running.delete(name);
      for (const m of batch) m.resolve(m.request.id);
    }),
    busyError: () => new BusyError('busy'),
    itemsMax: options.itemsMax ?? 100,
    waitingMax: options.waitingMax ?? 1000,
    budgetMs: options.budgetMs ?? 10_000,
  });
  /** Releases every batch open now and lets the queue schedule the next ones. */
  const releaseAll = async () => {
    const releases = [...open.values()];
    open.clear();
    for (const release of releases) release();
    await new Promise((resolve) => setImmediate(resolve));
  };
  /** Releases the batch that started `index`-th (from 0) and lets the queue schedule. */
  const releaseOne = async (index: number) => {
    open.get(index)?.();
    open.delete(index);
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { queue, batches, releaseAll, releaseOne, overlaps };
}

test('requests on disjoint accounts run at once, each as its own batch', async () => {
  const { queue, batches, releaseAll } = harness();
  const done = [queue.submit({ id: 1, shared: ['a', 'b'] }), queue.submit({ id: 2, shared: ['c', 'd'] })];
  expect(batches).toEqual([[1], [2]]);
  await releaseAll();
  expect(await Promise.all(done)).toEqual([1, 2]);
});

test('requests that wait on a busy account run together, in arrival order, once it is free', async () => {
  const { queue, batches, releaseAll } = harness();
  const done = [1, 2, 3, 4].map((id) => queue.submit({ id, shared: [`payer-${id}`, 'merchant'] }));
  expect(batches).toEqual([[1]]);
  expect(queue.waitingCount).toBe(3);
  await releaseAll();
  expect(batches).toEqual([[1], [2, 3, 4]]);
  await releaseAll();
  expect(await Promise.all(done)).toEqual([1, 2, 3, 4]);
  expect(queue.waitingCount).toBe(0);
});

test('a batch never holds more items than the limit: one per account, plus each request\'s own', async () => {
  // Each request adds 4 items and a new payer account; the merchant counts once: 1 + 5 × 3 = 16 ≤ 18 < 1 + 5 × 4.
  const { queue, batches, releaseAll } = harness({ itemsMax: 18 });
  const done = [0, 1, 2, 3, 4, 5, 6, 7].map((id) => queue.submit({ id, shared: [`p${id}`, 'm'], items: 4 }));
  await releaseAll();
  await releaseAll();
  await releaseAll();
  expect(batches).toEqual([[0], [1, 2, 3], [4, 5, 6], [7]]);
  await releaseAll();
  await Promise.all(done);
});

test('requests under the same exclusive name (an idempotency key) never share a batch', async () => {
  const { queue, batches, releaseAll } = harness();
  const done = [
    queue.submit({ id: 1, shared: ['a', 'm'], exclusive: ['key'] }),
    queue.submit({ id: 2, shared: ['b', 'm'], exclusive: ['key'] }),
    queue.submit({ id: 3, shared: ['c', 'm'] }),
  ];
  await releaseAll();
  // 2 waits for its key; 3 may not overtake 2 on the merchant they share.
  expect(batches).toEqual([[1], [2, 3]]);
  await releaseAll();
  await Promise.all(done);
});

test('a later request does not overtake an earlier waiting one on an account they share', async () => {
  const { queue, batches, releaseAll } = harness();
  const done = [
    queue.submit({ id: 1, shared: ['a', 'b'] }),
    // 2 waits for `a`; 3 needs `c`, which is free, but 2 is queued on it first.
    queue.submit({ id: 2, shared: ['a', 'c'] }),
    queue.submit({ id: 3, shared: ['c', 'd'] }),
    queue.submit({ id: 4, shared: ['e', 'f'] }),
  ];
  expect(batches).toEqual([[1], [4]]);
  await releaseAll();
  expect(batches.slice(2)).toEqual([[2, 3]]);
  await releaseAll();
  await Promise.all(done);
});

test('a later request does not join a batch on an account an earlier waiting request needs', async () => {
  const { queue, batches, releaseOne, releaseAll } = harness();
  const done = [
    queue.submit({ id: 1, shared: ['x', 'q'] }),
    queue.submit({ id: 2, shared: ['m', 'r'] }),
    // All three wait for `m`. When it is free, 3 starts a batch; 4 still waits for `x`, so 5, which came later,
    // must not take `m` ahead of it by joining 3's batch.
    queue.submit({ id: 3, shared: ['m', 'a'] }),
    queue.submit({ id: 4, shared: ['m', 'x'] }),
    queue.submit({ id: 5, shared: ['m', 'b'] }),
  ];
  expect(batches).toEqual([[1], [2]]);
  await releaseOne(1);
  expect(batches.slice(2)).toEqual([[3]]);
  await releaseAll();
  expect(batches.slice(3)).toEqual([[4, 5]]);
  await releaseAll();
  await Promise.all(done);
});

test('a full queue and a request past its deadline are refused as busy, and run nothing', async () => {
  const { queue, batches, releaseAll } = harness({ waitingMax: 1, budgetMs: 20 });
  const first = queue.submit({ id: 1, shared: ['a', 'b'] });
  const late = queue.submit({ id: 2, shared: ['a', 'c'] }).catch((error: unknown) => error);
  const overflow = queue.submit({ id: 3, shared: ['a', 'd'] });
  await expect(overflow).rejects.toBeInstanceOf(BusyError);
  await new Promise((resolve) => setTimeout(resolve, 40));
  await releaseAll();
  expect(await late).toBeInstanceOf(BusyError);
  expect(batches).toEqual([[1]]);
  expect(await first).toBe(1);
});

test('a runner that throws rejects every member with its error, and one that forgets a member rejects that one', async () => {
  const failure = new Error('storage down');
  const throwing = harness({ run: async () => { throw failure; } });
  const results = await Promise.allSettled([1, 2].map((id) => throwing.queue.submit({ id, shared: ['x', `y${id}`] })));
  expect(results.map((r) => r.status === 'rejected' && r.reason)).toEqual([failure, failure]);

  // The second batch holds b and c: b is answered, c was forgotten and must not hang.
  const pair = harness({ run: async (batch) => { batch[0]!.resolve(1); } });
  const a = pair.queue.submit({ id: 1, shared: ['m', 'p1'] });
  const b = pair.queue.submit({ id: 2, shared: ['m', 'p2'] });
  const c = pair.queue.submit({ id: 3, shared: ['m', 'p3'] });
  expect(await a).toBe(1);
  expect(await b).toBe(1);
  await expect(c).rejects.toThrow('without settling');
});

test('whatever arrives, every request is answered once and no two running batches share a name', async () => {
  const requestArb = fc.record({
    shared: fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'e'), { minLength: 1, maxLength: 2 }),
    exclusive: fc.array(fc.constantFrom('k1', 'k2'), { maxLength: 1 }),
  });
  await fc.assert(fc.asyncProperty(fc.array(requestArb, { minLength: 1, maxLength: 30 }), fc.array(fc.boolean(), { maxLength: 30 }), async (requests, pauses) => {
    const { queue, releaseAll, overlaps } = harness({ itemsMax: 12 });
    const done = requests.map((r, id) => queue.submit({ id, ...r }));
    for (const pause of pauses) if (pause) await releaseAll();
    for (let round = 0; round <= requests.length; round += 1) await releaseAll();
    expect(await Promise.all(done)).toEqual(requests.map((_, id) => id));
    expect(overlaps).toEqual([]);
  }), { numRuns: 100 });
});
