import { AppError } from '../app-error';

/*
 * The refusals of webhook endpoints (./endpoints.ts), in a module of their own; lib/errors.ts re-exports them and
 * lists them in the catalogue.
 */

/** No endpoint has that id, or the caller may not see it (its owner or an admin may); a deleted one is gone. */
export class WebhookEndpointNotFoundError extends AppError {
  static readonly code = 'webhook_endpoint_not_found';
  static readonly status = 404;
  constructor() {
    super('No webhook endpoint with that id is visible to you.');
  }
}

/** An owner already has as many live endpoints as one may (`endpointsPerOwnerMax`). */
export class WebhookEndpointLimitError extends AppError {
  static readonly code = 'webhook_endpoint_limit';
  static readonly status = 422;
  constructor(max: number) {
    super(`An owner may have at most ${max} webhook endpoints; delete one first.`);
  }
}

/**
 * A URL the platform will not deliver to: not `https` (loopback `http` is allowed on a laptop's stage only), with
 * credentials in it, or naming a host that resolves to a private, loopback, link-local or otherwise non-public address.
 * The reason is said, but not which address a name resolved to.
 */
export class WebhookUrlRefusedError extends AppError {
  static readonly code = 'webhook_url_refused';
  static readonly status = 422;
  constructor(reason: string) {
    super(`The webhook URL is refused: ${reason}.`);
  }
}
