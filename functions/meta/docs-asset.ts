import { docsInit, docsPolicy, scalarBundle } from '../../lib/docs/page';
import { endpoint } from '../../lib/http/endpoint';
import { route } from '../../lib/routes/meta/docs-asset';

/** The handler of the route lib/routes/meta/docs-asset.ts declares. */
export const handler = endpoint(route, async ({ params }) => ({
  body: params.asset === 'scalar.js' ? scalarBundle() : docsInit,
  headers: { 'content-security-policy': docsPolicy },
}));
