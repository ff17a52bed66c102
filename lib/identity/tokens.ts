import { SignJWT, jwtVerify } from 'jose';
import { config } from '../config';
import { UnauthorizedError } from '../errors';
import { signingKey } from './secret';

/** What a verified access token proves: who the user is, and which session of theirs it belongs to. */
export interface TokenClaims {
  userId: string;
  sessionId: string;
}

/**
 * The answer of login and refresh: a short-lived access token and the refresh token that renews it. The refresh
 * token is shown here and nowhere else, and is stored only as its hash (lib/identity/sessions.ts).
 */
export interface TokenPair {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
}

const algorithm = 'HS256';
/** RFC 9068's media type for access tokens: a token of another kind signed with the same key is not one. */
export const accessTokenType = 'at+jwt';
const tokenLengthMax = 4096;
/** Clock skew tolerated between the instance that signed a token and the one that verifies it. */
const clockToleranceSeconds = 5;

/**
 * Signs an access token for one session of a user: `sub` is the user, `sid` the session, `aud` this API, `exp` one
 * TTL (at most 15 minutes) from now. It carries no role: the role is read from the user as stored on every request.
 */
export async function issueAccessToken(userId: string, sessionId: string): Promise<string> {
  return new SignJWT({ sid: sessionId })
    .setProtectedHeader({ alg: algorithm, typ: accessTokenType })
    .setSubject(userId)
    .setIssuer(config.tokenIssuer)
    .setAudience(config.tokenAudience)
    .setIssuedAt()
    .setExpirationTime(`${config.tokenTtlSeconds}s`)
    .sign(await signingKey());
}

/**
 * Verifies an access token and returns what it proves. Only HS256 is accepted, so `alg: none` and algorithm swaps
 * fail; the header's `typ`, the issuer, the audience and the token's age (an `iat` in the future included) are
 * checked. Any flaw is an `UnauthorizedError` with a message that says nothing about which.
 */
export async function verifyToken(token: string): Promise<TokenClaims> {
  if (token.length > tokenLengthMax) throw new UnauthorizedError();
  // Outside the catch below: a key that cannot be read (SSM busy) is the platform's failure, not the token's.
  const key = await signingKey();
  try {
    const { payload } = await jwtVerify(token, key, {
      algorithms: [algorithm],
      typ: accessTokenType,
      issuer: config.tokenIssuer,
      audience: config.tokenAudience,
      maxTokenAge: config.tokenTtlSeconds,
      clockTolerance: clockToleranceSeconds,
      requiredClaims: ['sub', 'sid', 'exp', 'iat'],
    });
    if (!payload.sub || typeof payload.sid !== 'string' || !payload.sid) throw new UnauthorizedError();
    return { userId: payload.sub, sessionId: payload.sid };
  } catch {
    throw new UnauthorizedError();
  }
}

/**
 * Reads `Authorization: Bearer <token>` and verifies the token alone. The scheme name is case-insensitive (RFC 9110,
 * 11.1). Routes authenticate with `./standing.ts`, which also checks the user and the session as stored.
 */
export async function verifyBearer(authorization: string | undefined): Promise<TokenClaims> {
  const match = /^Bearer ([A-Za-z0-9_.-]+)$/i.exec(authorization?.trim() ?? '');
  if (!match?.[1]) throw new UnauthorizedError();
  return verifyToken(match[1]);
}
