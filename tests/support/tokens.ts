import { SignJWT, decodeJwt } from 'jose';

const issuer = 'serverless-payments';

/** Encodes JSON as one base64url JWT segment. */
function segment(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/**
 * Signs a token as the platform would, with every claim overridable, so a test can forge exactly the flaw it means
 * to check (an old `exp`, another issuer, another key). Times are in seconds since the epoch.
 */
export async function forgeToken(
  secret: string,
  claims: { sub?: string; role?: string; iss?: string; iat?: number; exp?: number } = {},
  alg = 'HS256',
): Promise<string> {
  const nowSeconds = Math.floor(Date.now() / 1000);
  const payload = { role: claims.role ?? 'user', sub: claims.sub, iss: claims.iss ?? issuer };
  const jwt = new SignJWT(payload)
    .setProtectedHeader({ alg, typ: 'JWT' })
    .setIssuedAt(claims.iat ?? nowSeconds)
    .setExpirationTime(claims.exp ?? nowSeconds + 600);
  return jwt.sign(new TextEncoder().encode(secret));
}

/** An `alg: none` token: claims that look valid and no signature at all. */
export function unsignedToken(sub: string, role = 'admin', iss = issuer): string {
  const nowSeconds = Math.floor(Date.now() / 1000);
  return `${segment({ alg: 'none', typ: 'JWT' })}.${segment({ sub, role, iss, iat: nowSeconds, exp: nowSeconds + 600 })}.`;
}

/**
 * The token with its payload rewritten and the original signature kept: by default made an admin, or with
 * `changes` merged over its claims.
 */
export function tamperedToken(token: string, changes: Record<string, unknown> = { role: 'admin' }): string {
  const [header, , signature] = token.split('.');
  return `${header}.${segment({ ...decodeJwt(token), ...changes })}.${signature}`;
}
