import { randomUUID } from 'node:crypto';
import { SignJWT, decodeJwt } from 'jose';

const issuer = 'serverless-payments';
const audience = 'serverless-payments-api';
const accessTokenType = 'at+jwt';

/** Encodes JSON as one base64url JWT segment. */
function segment(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** What a forged token may say; times are in seconds since the epoch, and `null` leaves a claim out. */
export interface ForgedClaims {
  sub?: string;
  sid?: string | null;
  role?: string;
  iss?: string;
  aud?: string | null;
  iat?: number;
  exp?: number;
  typ?: string;
}

/**
 * Signs a token as the platform would, with every claim overridable, so a test can forge exactly the flaw it means
 * to check (an old `exp`, another issuer, another audience, a missing session, another key). Without `sid` it names
 * a session no one opened, which standing refuses; pass a real session's id for a token the API accepts.
 */
export async function forgeToken(secret: string, claims: ForgedClaims = {}, alg = 'HS256'): Promise<string> {
  const nowSeconds = Math.floor(Date.now() / 1000);
  const sid = claims.sid === undefined ? randomUUID() : claims.sid;
  const payload = {
    sub: claims.sub, iss: claims.iss ?? issuer,
    ...(sid === null ? {} : { sid }),
    ...(claims.aud === null ? {} : { aud: claims.aud ?? audience }),
    ...(claims.role === undefined ? {} : { role: claims.role }),
  };
  const jwt = new SignJWT(payload)
    .setProtectedHeader({ alg, typ: claims.typ ?? accessTokenType })
    .setIssuedAt(claims.iat ?? nowSeconds)
    .setExpirationTime(claims.exp ?? nowSeconds + 600);
  return jwt.sign(new TextEncoder().encode(secret));
}

/** The session id an access token names. */
export function sessionOf(token: string): string {
  return String(decodeJwt(token).sid);
}

/** An `alg: none` token: claims that look valid and no signature at all. */
export function unsignedToken(sub: string, role = 'admin', iss = issuer): string {
  const nowSeconds = Math.floor(Date.now() / 1000);
  const claims = { sub, role, iss, aud: audience, sid: randomUUID(), iat: nowSeconds, exp: nowSeconds + 600 };
  return `${segment({ alg: 'none', typ: accessTokenType })}.${segment(claims)}.`;
}

/**
 * The token with its payload rewritten and the original signature kept: by default made an admin, or with
 * `changes` merged over its claims.
 */
export function tamperedToken(token: string, changes: Record<string, unknown> = { role: 'admin' }): string {
  const [header, , signature] = token.split('.');
  return `${header}.${segment({ ...decodeJwt(token), ...changes })}.${signature}`;
}
