import { job as deliverWebhooks } from './deliver-webhooks';
import { job as expireHolds } from './expire-holds';
import type { Job } from './job';
import { job as publishEvents } from './publish-events';

/** Every function that answers no request. Only the deploy and the tests import this list, as lib/routes/ for routes. */
export const jobs: readonly Job[] = [expireHolds, deliverWebhooks, publishEvents];
