import type { TableAction } from '../routes/route';

/**
 * A scheduled function, declared once in its own module under lib/jobs/ (lib/jobs/index.ts lists them), as a route is
 * under lib/routes/: the deploy (deploy/functions.cjs, deploy/roles.cjs) makes its function, schedule and role from
 * it, and the template and IAM tests check them against it. A job answers no HTTP request and reads no token.
 */
export interface Job {
  name: string;
  handler: string;
  summary: string;
  /** An EventBridge schedule expression: `rate(1 minute)`. */
  schedule: string;
  /** Seconds Lambda lets one run take. */
  timeoutSeconds: number;
  /** What the function's role may do besides writing its own logs: on the table, and on its `gsi1` index. */
  access: { table?: readonly TableAction[]; index?: readonly TableAction[] };
}
