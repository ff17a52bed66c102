import { docsPage, docsPolicy } from '../../lib/docs/page';
import { endpoint } from '../../lib/http/endpoint';
import { route } from '../../lib/routes/meta/docs';

/** The handler of the route lib/routes/meta/docs.ts declares. */
export const handler = endpoint(route, async () => ({ body: docsPage, headers: { 'content-security-policy': docsPolicy } }));
