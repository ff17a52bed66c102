import { AsyncLocalStorage } from 'node:async_hooks';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/**
 * Injects the faults DynamoDB Local never produces, at the SDK client boundary of the real shared client, so every
 * layer above it (the SDK's own retries, the ledger write, the transfer loop) handles them as it would in AWS.
 *
 * A fault is chosen once per `send` (per command the ledger issues) and applied on the wire, inside the SDK's retry
 * loop: `*Once` faults hit the first attempt only and the SDK retries them; `lostAlways` and `downAlways` hit every
 * attempt, so the error reaches the ledger's own retry logic.
 */
export type FaultKind =
  /** The transaction is cancelled with `TransactionConflict`: nothing written. The SDK does not retry it. */
  | 'conflict'
  /** `ThrottlingException` before the request is sent; the SDK backs off and retries. */
  | 'throttleOnce'
  /** A `TimeoutError` before the request is sent: nothing written; the SDK retries. */
  | 'timeoutOnce'
  /** The write commits, then the response is lost (`TimeoutError`); the SDK retries with the same request token. */
  | 'lostOnce'
  /** Every attempt of this call commits-or-not and loses its response: the ledger sees `TimeoutError`. */
  | 'lostAlways'
  /** Every attempt of this call times out before it is sent: the ledger sees `TimeoutError`, nothing written. */
  | 'downAlways'
  /** Every attempt is throttled: the ledger sees `ThrottlingException`. */
  | 'throttleAlways'
  /** The first attempt commits and its answer is lost; the SDK's retries are throttled, and it reports the throttling. */
  | 'lostThenThrottled';

/** Probability of each fault per call. Write faults apply to `TransactWriteItems`, read faults to gets and queries. */
export interface FaultRates {
  write: Partial<Record<FaultKind, number>>;
  read: Partial<Record<FaultKind, number>>;
}

const readCommands = new Set(['GetItemCommand', 'QueryCommand', 'GetCommand', 'BatchGetItemCommand']);

/** Counts of what was injected, and of calls seen. */
export type FaultCounts = Record<FaultKind | 'calls' | 'attempts', number>;

/** A fault injector on a document client; `install` once, then `enable`/`disable` as a test needs. */
export class FaultInjector {
  readonly counts: FaultCounts = emptyCounts();
  private rates: FaultRates = { write: {}, read: {} };
  private readonly forced: { write: FaultKind[]; read: FaultKind[] } = { write: [], read: [] };
  private installed = false;
  /** Set inside `quietly`: follows that call chain only, so other work running meanwhile still draws faults. */
  private readonly quiet = new AsyncLocalStorage<true>();

  constructor(private readonly client: DynamoDBDocumentClient, private readonly random: () => number = Math.random) {}

  /** Adds the two middlewares: one picks a fault per call, the other applies it on each wire attempt. */
  install(): this {
    if (this.installed) return this;
    this.installed = true;
    this.client.middlewareStack.add((next, context) => async (args) => {
      const name = String(context.commandName ?? '');
      this.counts.calls += 1;
      const side = name === 'TransactWriteItemsCommand' ? 'write' : readCommands.has(name) ? 'read' : undefined;
      const kind = side && this.quiet.getStore() === undefined ? this.forced[side].shift() ?? this.pick(this.rates[side]) : undefined;
      if (kind) this.counts[kind] += 1;
      (context as FaultContext).fault = { kind, attempts: 0 };
      return next(args);
    }, { step: 'initialize', name: 'faultPicker', priority: 'low' });
    type Next = (args: unknown) => Promise<unknown>;
    const wire = (next: Next, context: object) => async (args: unknown): Promise<unknown> => {
      const fault = (context as FaultContext).fault;
      this.counts.attempts += 1;
      if (!fault?.kind) return next(args);
      fault.attempts += 1;
      const first = fault.attempts === 1;
      switch (fault.kind) {
        case 'conflict':
          if (!first) return next(args);
          throw conflictError();
        case 'throttleOnce':
          if (!first) return next(args);
          throw throttlingError();
        case 'throttleAlways':
          throw throttlingError();
        case 'timeoutOnce':
          if (!first) return next(args);
          throw timeoutError();
        case 'downAlways':
          throw timeoutError();
        case 'lostOnce':
          if (!first) return next(args);
          await next(args);
          throw timeoutError();
        case 'lostAlways':
          await next(args);
          throw timeoutError();
        case 'lostThenThrottled':
          if (!first) throw throttlingError();
          await next(args);
          throw timeoutError();
      }
    };
    this.client.middlewareStack.addRelativeTo(wire as never, { relation: 'after', toMiddleware: 'retryMiddleware', name: 'faultWire' });
    return this;
  }

  /** Starts injecting at these rates. */
  enable(rates: FaultRates): void {
    this.rates = rates;
  }

  /** Makes the next calls of one side (`write`: transactions; `read`: gets and queries) draw these faults, in order. */
  force(side: 'write' | 'read', ...kinds: FaultKind[]): void {
    this.forced[side].push(...kinds);
  }

  /** Stops injecting; calls already under way keep the fault they drew. */
  disable(): void {
    this.rates = { write: {}, read: {} };
    this.forced.write.length = 0;
    this.forced.read.length = 0;
  }

  /** Runs `read` with no fault injected into its calls: a checker's reads judge the ledger, they are not under test. */
  quietly<T>(read: () => Promise<T>): Promise<T> {
    return this.quiet.run(true, read);
  }

  /** The number of faults injected so far, of every kind. */
  injected(): number {
    return faultKinds.reduce((sum, kind) => sum + this.counts[kind], 0);
  }

  private pick(rates: Partial<Record<FaultKind, number>>): FaultKind | undefined {
    let draw = this.random();
    for (const kind of faultKinds) {
      const rate = rates[kind] ?? 0;
      if (draw < rate) return kind;
      draw -= rate;
    }
    return undefined;
  }
}

interface FaultContext {
  fault?: { kind: FaultKind | undefined; attempts: number };
}

export const faultKinds: FaultKind[] = [
  'conflict', 'throttleOnce', 'timeoutOnce', 'lostOnce', 'lostAlways', 'downAlways', 'throttleAlways', 'lostThenThrottled',
];

function emptyCounts(): FaultCounts {
  return Object.fromEntries([...faultKinds, 'calls', 'attempts'].map((kind) => [kind, 0])) as FaultCounts;
}

/** What DynamoDB answers when a concurrent transaction touched the same items: every item cancelled. */
function conflictError(): Error {
  return new TransactionCanceledException({
    message: 'Transaction cancelled, please refer cancellation reasons for specific reasons [TransactionConflict]',
    $metadata: { httpStatusCode: 400 },
    CancellationReasons: Array.from({ length: 6 }, () => ({ Code: 'TransactionConflict' })),
  });
}

function throttlingError(): Error {
  return Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
    name: 'ThrottlingException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
  });
}

function timeoutError(): Error {
  return Object.assign(new Error('Connection timed out after 3000 ms (injected)'), { name: 'TimeoutError', $metadata: {} });
}
