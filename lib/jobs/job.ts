import type { TableAction } from '../routes/route';

/**
 * A function that answers no HTTP request, declared once in its own module under lib/jobs/ (lib/jobs/index.ts lists
 * them), as a route is under lib/routes/: the deploy (deploy/functions.cjs, deploy/roles.cjs) makes its function,
 * trigger and role from it, and the template and IAM tests check them against it. It runs either on a schedule or on
 * the table's stream, and reads no token.
 */
interface JobBase {
  name: string;
  handler: string;
  summary: string;
  /** Seconds Lambda lets one run take. */
  timeoutSeconds: number;
  /**
   * What the function's role may do besides writing its own logs: on the table, and on its `gsi1` index; `putsEvents`
   * lets it put events on the stage's EventBridge bus.
   */
  access: { table?: readonly TableAction[]; index?: readonly TableAction[]; putsEvents?: boolean };
}

/** A job on an EventBridge schedule. */
export interface ScheduledJob extends JobBase {
  /** An EventBridge schedule expression: `rate(1 minute)`. */
  schedule: string;
  /**
   * `sweeper`: `npm start`'s sweeper (scripts/local/sweeper.ts) runs the job locally, in both of its models and at
   * moments a schedule cannot choose, so serverless offline, when our scripts start it, leaves the schedule off: one
   * local runner, not two racing for the same work.
   */
  localRunner?: 'sweeper';
  stream?: undefined;
}

/**
 * A Lambda filter pattern over a stream record, in the subset both AWS and `npm start`'s stream reader understand
 * (scripts/local/stream-source.ts): a field's list of allowed strings, or of `{prefix}`, nested as the record is.
 */
export interface FilterPattern {
  [field: string]: FilterPattern | ReadonlyArray<string | { prefix: string }>;
}

/**
 * A job on the table's DynamoDB stream (its event source mapping): batches of the records its filter lets through,
 * in order per shard, answered with `ReportBatchItemFailures`; a failing batch is split in two and retried, and one
 * that keeps failing is recorded in the stage's failure queue.
 */
export interface StreamJob extends JobBase {
  schedule?: undefined;
  stream: {
    filter: FilterPattern;
    /** Records per invocation at most. */
    batchSize: number;
    /** Retries of a failing batch, and the age past which a record is given up, before the failure queue. */
    retryAttemptsMax: number;
    recordAgeSecondsMax: number;
  };
}

export type Job = ScheduledJob | StreamJob;
