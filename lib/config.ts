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

export const config = {
  tableName: process.env.TABLE_NAME || 'payments-local',
  /** Set for DynamoDB Local; unset in AWS, where the SDK finds the regional endpoint. */
  dynamoEndpoint: process.env.DYNAMODB_ENDPOINT || undefined,
  region: process.env.AWS_REGION ?? 'us-east-1',
  tokenTtlSeconds: intFromEnv('TOKEN_TTL_SECONDS', 3600),
  tokenIssuer: process.env.TOKEN_ISSUER ?? 'serverless-payments',
  idempotencyTtlSeconds: intFromEnv('IDEMPOTENCY_TTL_SECONDS', 24 * 3600),
  bodyLimitBytes: 16 * 1024,
} as const;
