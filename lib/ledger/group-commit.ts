/**
 * What a request needs while its batch runs. `shared` names (accounts) may be shared by the requests of one batch,
 * which the batch then writes once; `exclusive` names (idempotency keys) are held by one request at a time. `items`
 * is what the request adds to its batch's write beyond one item per shared name.
 */
export interface Claim {
  shared: readonly string[];
  exclusive: readonly string[];
  items: number;
}

export interface GroupCommitOptions<R, T> {
  claimOf(request: R): Claim;
  /** Runs one batch and settles every member; members it leaves unsettled are rejected with what it threw. */
  run(batch: ReadonlyArray<Queued<R, T>>): Promise<void>;
  /** The error for a request that waited past its deadline or found the queue full. */
  busyError(): Error;
  /** Items one batch may write (DynamoDB's `TransactWriteItems` takes at most 100). */
  itemsMax: number;
  waitingMax: number;
  budgetMs: number;
}

/**
 * Group commit inside one process. Requests that touch no name in use run at once, each as its own batch, exactly as
 * if there were no queue. A request that needs a name in use waits; when that name is released, waiting requests
 * that share it are run together as one batch, in arrival order, up to `itemsMax` items. So a hot account takes one
 * write per batch instead of one winner per round of retries, and no two batches in this process race for a name.
 *
 * Batches only start once every name they claim is free, and hold their names until they end, so they cannot
 * deadlock. A request never overtakes an earlier waiting one on a name they both need. In Lambda, where a process
 * serves one request at a time, every batch is a single request and this queue does nothing.
 */
export class GroupCommit<R, T> {
  private readonly waiting: Array<Queued<R, T>> = [];
  private readonly inUse = new Set<string>();

  constructor(private readonly options: GroupCommitOptions<R, T>) {}

  /** Queues a request and answers with what its batch settled it with. */
  submit(request: R): Promise<T> {
    if (this.waiting.length >= this.options.waitingMax) return Promise.reject(this.options.busyError());
    return new Promise<T>((resolve, reject) => {
      const claim = this.options.claimOf(request);
      this.waiting.push(new Queued<R, T>(request, claim, Date.now() + this.options.budgetMs, resolve, reject));
      this.schedule();
    });
  }

  /** Requests waiting for a batch (for tests and diagnostics). */
  get waitingCount(): number {
    return this.waiting.length;
  }

  /** Forms every batch that can start now, in arrival order, and starts them. */
  private schedule(): void {
    const nowMs = Date.now();
    const owners = new Map<string, Batch<R, T> | 'blocked'>();
    for (const name of this.inUse) owners.set(name, 'blocked');
    // Names an earlier request still waits for: no later one may take them, not even by joining a batch.
    const reserved = new Set<string>();
    const batches: Array<Batch<R, T>> = [];
    for (const queued of this.waiting) {
      if (nowMs > queued.deadlineMs) {
        queued.reject(this.options.busyError());
        continue;
      }
      const batch = namesOf(queued.claim).some((name) => reserved.has(name)) ? 'blocked' : this.batchFor(queued, owners);
      if (batch === 'blocked') {
        for (const name of namesOf(queued.claim)) reserved.add(name);
        continue;
      }
      const target = batch ?? new Batch<R, T>();
      if (!batch) batches.push(target);
      target.add(queued);
      for (const name of namesOf(queued.claim)) owners.set(name, target);
    }
    const started = new Set(batches.flatMap((batch) => batch.members));
    const remaining = this.waiting.filter((queued) => !queued.settled && !started.has(queued));
    this.waiting.splice(0, this.waiting.length, ...remaining);
    for (const batch of batches) void this.start(batch);
  }

  /** The batch forming in this pass that `queued` can join, `undefined` for a new one, or `'blocked'`. */
  private batchFor(queued: Queued<R, T>, owners: Map<string, Batch<R, T> | 'blocked'>): Batch<R, T> | undefined | 'blocked' {
    if (queued.claim.exclusive.some((name) => owners.has(name))) return 'blocked';
    const found = new Set(queued.claim.shared.map((name) => owners.get(name)).filter((owner) => owner !== undefined));
    if (found.size === 0) return undefined;
    const [owner] = found;
    if (found.size > 1 || owner === 'blocked' || owner === undefined) return 'blocked';
    return owner.items + owner.addedItems(queued.claim) <= this.options.itemsMax ? owner : 'blocked';
  }

  private async start(batch: Batch<R, T>): Promise<void> {
    for (const name of batch.names) this.inUse.add(name);
    try {
      await this.options.run(batch.members);
      for (const member of batch.members) member.reject(new Error('A batch ended without settling one of its requests.'));
    } catch (error) {
      for (const member of batch.members) member.reject(error);
    } finally {
      for (const name of batch.names) this.inUse.delete(name);
      this.schedule();
    }
  }
}

function namesOf(claim: Claim): string[] {
  return [...claim.shared, ...claim.exclusive];
}

/** A request waiting for, or running in, a batch. The runner settles it exactly once; later calls are ignored. */
export class Queued<R, T> {
  private done = false;

  constructor(
    readonly request: R,
    readonly claim: Claim,
    readonly deadlineMs: number,
    private readonly onResolve: (value: T) => void,
    private readonly onReject: (error: unknown) => void,
  ) {}

  get settled(): boolean {
    return this.done;
  }

  resolve(value: T): void {
    if (this.done) return;
    this.done = true;
    this.onResolve(value);
  }

  reject(error: unknown): void {
    if (this.done) return;
    this.done = true;
    this.onReject(error);
  }
}

class Batch<R, T> {
  readonly members: Array<Queued<R, T>> = [];
  readonly names = new Set<string>();
  private readonly sharedNames = new Set<string>();
  items = 0;

  /** The items `claim` would add: its own, plus one for each shared name the batch does not write yet. */
  addedItems(claim: Claim): number {
    return claim.items + claim.shared.filter((name) => !this.sharedNames.has(name)).length;
  }

  add(queued: Queued<R, T>): void {
    this.items += this.addedItems(queued.claim);
    this.members.push(queued);
    for (const name of queued.claim.shared) this.sharedNames.add(name);
    for (const name of namesOf(queued.claim)) this.names.add(name);
  }
}
