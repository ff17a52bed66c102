import { docsInit, docsPolicy, scalarBundle } from '../../lib/docs/page';
import { endpoint } from '../../lib/http/endpoint';
import { route } from '../../lib/routes/meta/docs-asset';

/** The handler of the route lib/routes/meta/docs-asset.ts declares: Scalar's bundle is the one file its package ships. */
export const handler = endpoint(route, async ({ params }) => ({
  body: params.asset === 'scalar.js' ? scalarBundle(route.ships[0]!) : docsInit,
  headers: { 'content-security-policy': docsPolicy },
}));
