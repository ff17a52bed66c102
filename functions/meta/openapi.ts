import { endpoint } from '../../lib/http/endpoint';
import { openApiDocument } from '../../lib/openapi/document';
import { route } from '../../lib/routes/meta/openapi';

const document = openApiDocument();

/** The handler of the route lib/routes/meta/openapi.ts declares. */
export const handler = endpoint(route, async () => ({ body: document }));
