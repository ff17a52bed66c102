import { job as deliverWebhooks } from './deliver-webhooks';
import { job as expireHolds } from './expire-holds';
import type { Job } from './job';

/** Every scheduled function. Only the deploy and the tests import this list, as lib/routes/index.ts for routes. */
export const jobs: readonly Job[] = [expireHolds, deliverWebhooks];
