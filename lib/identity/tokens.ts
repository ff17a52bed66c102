import { SignJWT, jwtVerify } from 'jose';
import * as z from 'zod/mini';
import { config } from '../config';
import { UnauthorizedError } from '../errors';
import { roles, type Caller, type Role } from './model';
import { signingKey } from './secret';

const roleSchema = z.enum(roles);

/** What login answers. */
export interface AccessToken {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
}

const algorithm = 'HS256';
const tokenLengthMax = 4096;

/** Signs an access token for a user: `sub` is the user id, `role` the role, `exp` one TTL from now. */
export async function issueToken(userId: string, role: Role): Promise<AccessToken> {
  const accessToken = await new SignJWT({ role })
    .setProtectedHeader({ alg: algorithm, typ: 'JWT' })
    .setSubject(userId)
    .setIssuer(config.tokenIssuer)
    .setIssuedAt()
    .setExpirationTime(`${config.tokenTtlSeconds}s`)
    .sign(await signingKey());
  return { accessToken, tokenType: 'Bearer', expiresIn: config.tokenTtlSeconds };
}

/**
 * Verifies a token and returns its caller. Only HS256 is accepted, so `alg: none` and algorithm swaps fail; an expired,
 * tampered or malformed token is an `UnauthorizedError`, with a message that says nothing about why.
 */
export async function verifyToken(token: string): Promise<Caller> {
  if (token.length > tokenLengthMax) throw new UnauthorizedError();
  try {
    const { payload } = await jwtVerify(token, await signingKey(), {
      algorithms: [algorithm],
      issuer: config.tokenIssuer,
      requiredClaims: ['sub', 'exp'],
    });
    const role = roleSchema.safeParse(payload.role);
    if (!role.success || !payload.sub) throw new UnauthorizedError();
    return { userId: payload.sub, role: role.data };
  } catch {
    throw new UnauthorizedError();
  }
}

/**
 * Reads `Authorization: Bearer <token>` and verifies the token alone. The scheme name is case-insensitive (RFC 9110,
 * 11.1). Routes authenticate with `./standing.ts`, which also checks the user's standing as stored.
 */
export async function verifyBearer(authorization: string | undefined): Promise<Caller> {
  const match = /^Bearer ([A-Za-z0-9_.-]+)$/i.exec(authorization?.trim() ?? '');
  if (!match?.[1]) throw new UnauthorizedError();
  return verifyToken(match[1]);
}
