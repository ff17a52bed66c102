import * as z from 'zod/mini';
import { mfaEnrolmentView, tokenPairView, userView, adminUserView } from '../identity/views';
import { currency, id } from '../ledger/fields';
import { accountView, balanceView, entryView, transactionView } from '../ledger/views';
import { emailAddress, instant, issuedId } from '../view-fields';
import { responses } from './responses';

/** What the document says of a zod schema besides what zod derives: its component name, format and description. */
interface SchemaMeta {
  /** Its name under `components.schemas`: every use of the schema is then a `$ref` to it. */
  id?: string;
  format?: string;
  description?: string;
}

/**
 * The schemas the document names (`components.schemas`) or gives a format, by zod schema instance. It is the
 * document's own registry, not zod's global one: the handlers never load it, and their bundles stay as they were.
 */
export const schemaMeta = z.registry<SchemaMeta>();
schemaMeta.add(currency, { id: 'Currency', description: 'An ISO 4217 currency code, upper case (`USD`, `EUR`, `JPY`).' });
schemaMeta.add(id, { format: 'uuid', description: 'An id this API issued (a UUID).' });
schemaMeta.add(issuedId, { format: 'uuid' });
schemaMeta.add(instant, { format: 'date-time' });
schemaMeta.add(emailAddress, { format: 'email' });
schemaMeta.add(userView, { id: 'User' });
schemaMeta.add(adminUserView, { id: 'AdminUser' });
schemaMeta.add(responses.userPage, { id: 'UserPage', description: 'A page of users; `nextCursor` is null on the last.' });
schemaMeta.add(tokenPairView, { id: 'TokenPair' });
schemaMeta.add(mfaEnrolmentView, { id: 'MfaEnrolment' });
schemaMeta.add(accountView, { id: 'Account' });
schemaMeta.add(responses.accountPage, { id: 'AccountPage', description: 'A page of accounts; `nextCursor` is null on the last.' });
schemaMeta.add(balanceView, { id: 'Balance' });
schemaMeta.add(entryView, { id: 'Entry', description: 'One leg of a transaction: a debit or a credit of one account.' });
schemaMeta.add(transactionView, { id: 'Transaction' });
schemaMeta.add(responses.transactionPage, {
  id: 'TransactionPage', description: 'A page of transactions; `nextCursor` is null on the last.',
});

/** The body of every problem answer (RFC 9457). */
export const problemSchema = {
  type: 'object',
  description: 'An RFC 9457 problem: every failure the API answers, with a stable `code` to branch on.',
  required: ['type', 'title', 'status', 'detail', 'code'],
  properties: {
    type: { type: 'string', format: 'uri-reference', description: 'The page describing `code`: `/problems/<code>`.' },
    title: { type: 'string', description: "The status's reason phrase." },
    status: { type: 'integer', minimum: 400, maximum: 599 },
    detail: { type: 'string', description: 'What went wrong, for a person; it may change, so branch on `code`.' },
    code: { type: 'string', pattern: '^[a-z][a-z0-9_]*$', description: 'A stable, machine-readable error code.' },
    errors: {
      type: 'array',
      description: 'On `validation_failed` and `invalid_cursor`: each field that broke a rule.',
      items: {
        type: 'object',
        required: ['path', 'message'],
        properties: {
          path: { type: 'string', description: 'Where: `body.amount`, `query.cursor`, `header.idempotency-key` …' },
          message: { type: 'string' },
        },
      },
    },
  },
};

/** What API Gateway answers when it throttles a route: not a problem, and not the function's answer. */
export const gatewayThrottleSchema = {
  type: 'object',
  description: "API Gateway's own answer when the stage's or route's request rate is exceeded.",
  required: ['message'],
  properties: { message: { type: 'string', const: 'Too Many Requests' } },
};

/** The headers answers carry, by their name under `components.headers`. */
export const responseHeaders = {
  CacheControl: { description: 'Always `no-store`: answers hold balances, tokens and personal data.', schema: { type: 'string', const: 'no-store' } },
  ContentTypeOptions: { description: 'Always `nosniff`.', schema: { type: 'string', const: 'nosniff' } },
  Location: { description: 'Where the created resource is read (or, for an MFA enrolment, the user it belongs to).', schema: { type: 'string', format: 'uri-reference' } },
  IdempotentReplayed: {
    description: '`true` when this answer replays the first outcome bound to the `Idempotency-Key`; absent on a first answer.',
    schema: { type: 'string', const: 'true' },
  },
  WwwAuthenticate: { description: 'Always `Bearer`: send an access token as `Authorization: Bearer <token>`.', schema: { type: 'string', const: 'Bearer' } },
  RetryAfter: { description: 'Seconds to wait before the next login attempt.', schema: { type: 'integer', minimum: 1 } },
};

/** A `$ref` to one of `responseHeaders`. */
export function headerRef(name: keyof typeof responseHeaders): { $ref: string } {
  return { $ref: `#/components/headers/${name}` };
}
