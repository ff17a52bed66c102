import { routeTags } from '../routes/tags';

/** What the document says of the whole API before any operation: what every route shares. */
const description = `
The HTTP API of a serverless payments platform: users and sessions, accounts in one currency each, and a
double-entry ledger that moves money between them. Money is an integer count of minor units of an ISO 4217 currency.

**Authentication.** Register, then log in for an access token (at most 15 minutes) and a refresh token; send the
access token as \`Authorization: Bearer <token>\`. An answer \`401\` carries \`WWW-Authenticate: Bearer\`.

**Retries.** Every money-moving \`POST\` requires an \`Idempotency-Key\` header (1–255 printable ASCII characters, no
comma). A retry with the same key and body answers the first outcome again, with \`Idempotent-Replayed: true\`; the
same key with another body answers \`422 idempotency_key_reused\`. Answers \`503 ledger_busy\` and
\`503 ledger_unavailable\` are safe to retry with the same key.

**Pages.** Lists answer \`{data, nextCursor}\`. Send \`nextCursor\` back as \`cursor\` with the same filters until it is
\`null\`. A cursor is opaque and serves only the list and filters it came from; any other answers \`400 invalid_cursor\`.

**Query parameters.** A parameter an operation does not declare answers \`400 validation_failed\`, on every operation.

**Errors.** Every failure is an RFC 9457 problem (\`application/problem+json\`) with a stable \`code\`; its \`type\`,
\`/problems/<code>\`, is a page of this API saying what the code means and what to do. Besides the codes each operation
lists, any path answers \`404 route_not_found\` when no operation has it, and \`405 method_not_allowed\` (with \`Allow\`,
the methods it has) when it is asked with another method. API Gateway answers \`429\` with
\`{"message":"Too Many Requests"}\` when a route's request rate is exceeded: wait and retry. A \`500 internal_error\` is a
bug and says nothing more.
`.trim();

/** The document's `info`, `servers` and `tags`. */
export const documentHead = {
  info: {
    title: 'Serverless payments API',
    version: '1.0.0',
    description,
    contact: { name: 'The payments platform team' },
    license: { name: 'MIT', identifier: 'MIT' },
  },
  // Relative: the document is served by the API it describes, so a client or the reference page at /docs calls the
  // host it read the document from, whatever the stage.
  servers: [{ url: '/', description: 'The API that serves this document.' }],
  tags: Object.entries(routeTags).map(([name, text]) => ({ name, description: text })),
};
