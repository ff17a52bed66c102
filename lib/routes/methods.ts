import type { RouteMethod } from '../http/allowed-methods';
import { routes } from './index';

/**
 * The method and path of every declared route but the catch-all: what the catch-all reads to answer 405 with `Allow`.
 * Deployed bundles get this table as it was at build time (deploy/esbuild-plugins.cjs), so the catch-all's bundle
 * holds a few hundred bytes of it instead of every route's schemas and token code.
 */
export function routeMethods(): RouteMethod[] {
  return routes.filter((route) => route.method !== '*').map(({ method, path }) => ({ method, path }));
}
