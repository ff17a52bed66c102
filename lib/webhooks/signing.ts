import { createHmac, randomBytes } from 'node:crypto';

/*
 * Signatures as the Standard Webhooks specification defines them (https://www.standardwebhooks.com): the secret is
 * `whsec_` and the base64 of random bytes; a delivery carries `webhook-id`, `webhook-timestamp` (whole seconds) and
 * `webhook-signature: v1,<base64 of HMAC-SHA256 over "{id}.{timestamp}.{body}", keyed with the decoded bytes>`, which
 * the npm `standardwebhooks` package (and its ports to other languages) verifies.
 */

const secretPrefix = 'whsec_';
/** Random bytes in a secret: 32, more than the 24 the specification asks for at least. */
const secretBytes = 32;

/** A new endpoint secret, `whsec_…`. */
export function newWebhookSecret(): string {
  return `${secretPrefix}${randomBytes(secretBytes).toString('base64')}`;
}

/** The headers that sign one attempt of a delivery: `webhook-id` is the event's id, so a receiver can deduplicate. */
export function signatureHeaders(secret: string, messageId: string, timestampSeconds: number, body: string): Record<string, string> {
  if (!secret.startsWith(secretPrefix)) throw new Error('An endpoint secret starts with whsec_.');
  const key = Buffer.from(secret.slice(secretPrefix.length), 'base64');
  const signature = createHmac('sha256', key).update(`${messageId}.${timestampSeconds}.${body}`).digest('base64');
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(timestampSeconds),
    'webhook-signature': `v1,${signature}`,
  };
}
