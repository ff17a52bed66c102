import { endpoint } from '../../lib/http/endpoint';
import { openApiDocument } from '../../lib/openapi/document';

const document = openApiDocument();

/** `GET /openapi.json`: the OpenAPI 3.1 document of every route. */
export const handler = endpoint({ auth: false }, async () => ({ status: 200, body: document }));
