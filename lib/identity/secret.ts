import { config } from '../config';
import { logWarn } from '../http/log';
import { recordSecretRead } from '../storage/call-log';

/** The development secret: it signs tokens on a laptop only (the `local` stage), and is refused everywhere else. */
const devSecret = 'dev-only-secret-do-not-use-in-production-0123456789';
const secretLengthMin = 32;
/** The one stage that may sign with the development secret: a laptop's `npm start`. */
const localStage = 'local';

let cached: Promise<Uint8Array> | undefined;

/**
 * The HMAC key that signs access tokens, loaded once per cold start. A deployment reads it from the SSM parameter
 * that `JWT_SECRET_PARAMETER` names (`readSecureParameter`); `npm start` and the tests pass it in `JWT_SECRET`; with
 * neither, only the `local` stage (`npm start`'s default table, `payments-local`) falls back to a development secret,
 * with a warning. Every other stage, and any real Lambda, refuses to sign or verify: the development secret is public.
 */
export function signingKey(): Promise<Uint8Array> {
  recordSecretRead();
  // A failed load (SSM throttled at cold start) is forgotten, so the next request tries again instead of every
  // request on this container failing until it is recycled.
  cached ??= loadSecret().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

async function loadSecret(): Promise<Uint8Array> {
  const parameterName = process.env.JWT_SECRET_PARAMETER;
  const secret = parameterName ? await (await import('../storage/ssm')).readSecureParameter(parameterName) : process.env.JWT_SECRET;
  if (secret) {
    if (secret.length < secretLengthMin) throw new Error(`The JWT secret must be at least ${secretLengthMin} characters.`);
    return new TextEncoder().encode(secret);
  }
  // Fail closed: the fallback needs the local stage, named by the table (`payments-local`), and no real Lambda around.
  const inRealLambda = process.env.AWS_LAMBDA_FUNCTION_NAME !== undefined && process.env.IS_OFFLINE !== 'true';
  if (inRealLambda || config.stage !== localStage) {
    throw new Error(`No JWT secret is configured (JWT_SECRET_PARAMETER or JWT_SECRET) for stage "${config.stage}".`);
  }
  logWarn('JWT_SECRET is not set: signing tokens with the development secret. Never do this in production.');
  return new TextEncoder().encode(devSecret);
}
