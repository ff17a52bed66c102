import { RouteNotFoundError } from '../../errors';
import type { Route } from '../route';

/** Every path no route claims: a problem response, not API Gateway's bare message. Not in the OpenAPI document. */
export const route = {
  name: 'notFound',
  handler: 'functions/meta/not-found.handler',
  method: '*',
  path: '/{proxy+}',
  summary: 'Every path no other route claims',
  auth: false,
  // Its function always throws RouteNotFoundError, so 404 is the only status it answers with.
  status: 404,
  errors: [RouteNotFoundError],
} satisfies Route;
