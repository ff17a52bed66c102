/**
 * Configuration, read once at cold start. Every value has a local default so `npm start` needs no setup;
 * a deployment sets them in `serverless.yml`.
 */
function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new Error(`Configuration ${name} must be a positive integer.`);
  }
  return value;
}

/** An access token lives at most 15 minutes: a revoked session's holder keeps nothing longer than that. */
export const accessTokenTtlSecondsMax = 15 * 60;

/** A setting of whole seconds that may not pass `max`. */
function secondsFromEnv(name: string, fallback: number, max: number): number {
  const value = intFromEnv(name, fallback);
  if (value > max) throw new Error(`Configuration ${name} must be at most ${max} seconds.`);
  return value;
}

const tableName = process.env.TABLE_NAME || 'payments-local';

export const config = {
  tableName,
  /** The stage: `serverless.yml` names every table `payments-<stage>`, so the table says which stage this is. */
  stage: tableName.startsWith('payments-') ? tableName.slice('payments-'.length) : '',
  /** Set for DynamoDB Local; unset in AWS, where the SDK finds the regional endpoint. */
  dynamoEndpoint: process.env.DYNAMODB_ENDPOINT || undefined,
  region: process.env.AWS_REGION ?? 'us-east-1',
  tokenTtlSeconds: secondsFromEnv('TOKEN_TTL_SECONDS', accessTokenTtlSecondsMax, accessTokenTtlSecondsMax),
  tokenIssuer: process.env.TOKEN_ISSUER ?? 'serverless-payments',
  /** The `aud` of access tokens: this API, and nothing else that shares the secret, accepts them. */
  tokenAudience: process.env.TOKEN_AUDIENCE ?? 'serverless-payments-api',
  /** How long a refresh token can be used; each refresh starts a new one, so a session lives while it is used. */
  refreshTtlSeconds: secondsFromEnv('REFRESH_TTL_SECONDS', 14 * 24 * 3600, 90 * 24 * 3600),
  idempotencyTtlSeconds: intFromEnv('IDEMPOTENCY_TTL_SECONDS', 24 * 3600),
  /**
   * The largest request body: room for the largest transaction (20 entries, 20 metadata values of 500 characters of
   * up to 3 UTF-8 bytes each: `tests/unit/transaction-limits.test.ts`), and no more.
   */
  bodyLimitBytes: 64 * 1024,
} as const;
