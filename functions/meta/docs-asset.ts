import { readFileSync } from 'node:fs';
import { docsInit, docsPolicy } from '../../lib/docs/page';
import { endpoint } from '../../lib/http/endpoint';
import { route } from '../../lib/routes/meta/docs-asset';

/** Scalar's standalone bundle, read once at cold start from its npm package. */
const scalar = readFileSync(require.resolve('@scalar/api-reference/dist/browser/standalone.js'), 'utf8');

/** The handler of the route lib/routes/meta/docs-asset.ts declares. */
export const handler = endpoint(route, async ({ params }) => ({
  body: params.asset === 'scalar.js' ? scalar : docsInit,
  headers: { 'content-security-policy': docsPolicy },
}));
