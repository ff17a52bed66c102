import { MethodNotAllowedError, RouteNotFoundError } from '../../errors';
import type { Route } from '../route';

/**
 * Every method and path no route claims: a problem response, not API Gateway's bare message; 405 with `Allow` when
 * the path is a route's with another method. Not in the OpenAPI document.
 */
export const route = {
  name: 'notFound',
  handler: 'functions/meta/not-found.handler',
  method: '*',
  path: '/{proxy+}',
  summary: 'Every path no other route claims',
  description: 'The catch-all: every method and path no other route claims answers `404 route_not_found`, or `405 '
    + "method_not_allowed` with `Allow` when the path is a route's with another method.",
  tag: 'meta',
  auth: false,
  // Its function always throws (RouteNotFoundError or MethodNotAllowedError), so it never answers this status.
  status: 404,
  errors: [RouteNotFoundError, MethodNotAllowedError],
} satisfies Route;
