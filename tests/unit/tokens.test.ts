import { decodeJwt, decodeProtectedHeader } from 'jose';
import { config } from '../../lib/config';
import { UnauthorizedError } from '../../lib/errors';
import { verifyBearer, issueAccessToken, verifyToken } from '../../lib/identity/tokens';
import { caught } from '../support/caught';
import { forgeToken, tamperedToken, unsignedToken } from '../support/tokens';

// `npm test` sets the secret; a direct jest run gets this one. Either way it is set before the first token is made.
process.env.JWT_SECRET ??= 'unit-test-secret-0123456789-abcdefghijklmnop';
const secret = (): string => process.env.JWT_SECRET!;

describe('issueAccessToken', () => {
  it('signs an HS256 at+jwt naming the user, the session, the issuer, this API as audience, and an expiry of at most 15 minutes', async () => {
    const token = await issueAccessToken('user-1', 'session-1');
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'HS256', typ: 'at+jwt' });
    const claims = decodeJwt(token);
    expect(claims).toMatchObject({ sub: 'user-1', sid: 'session-1', iss: 'serverless-payments', aud: 'serverless-payments-api' });
    expect(claims.exp! - claims.iat!).toBe(config.tokenTtlSeconds);
    expect(config.tokenTtlSeconds).toBeLessThanOrEqual(15 * 60);
    expect(Math.abs(claims.iat! - Date.now() / 1000)).toBeLessThan(5);
  });

  it('carries no role, secret or password material in its claims: the role is read from the table', async () => {
    const claims = decodeJwt(await issueAccessToken('user-1', 'session-1'));
    expect(Object.keys(claims).sort()).toEqual(['aud', 'exp', 'iat', 'iss', 'sid', 'sub']);
  });
});

describe('verifyToken', () => {
  it('returns the user and session of a token it issued', async () => {
    await expect(verifyToken(await issueAccessToken('user-2', 'session-2'))).resolves.toEqual({ userId: 'user-2', sessionId: 'session-2' });
  });

  it('accepts a token forged with the configured secret, so the rejections below are about the flaw alone', async () => {
    await expect(verifyToken(await forgeToken(secret(), { sub: 'user-3', sid: 'session-3' })))
      .resolves.toEqual({ userId: 'user-3', sessionId: 'session-3' });
  });

  const nowSeconds = () => Math.floor(Date.now() / 1000);
  const flawed: Array<[string, () => Promise<string> | string]> = [
    ['expired', () => forgeToken(secret(), { sub: 'u', iat: nowSeconds() - 7200, exp: nowSeconds() - 60 })],
    ['issued in the future (iat ten years ahead)', () => forgeToken(secret(), { sub: 'u', iat: nowSeconds() + 10 * 365 * 86400, exp: nowSeconds() + 10 * 365 * 86400 + 600 })],
    ['issued a minute ahead', () => forgeToken(secret(), { sub: 'u', iat: nowSeconds() + 60 })],
    ['older than the maximum age, though its exp is far off', () => forgeToken(secret(), { sub: 'u', iat: nowSeconds() - config.tokenTtlSeconds - 60, exp: nowSeconds() + 86400 })],
    ['signed with another secret', () => forgeToken('another-secret-that-is-long-enough-0123456789', { sub: 'u' })],
    ['from another issuer', () => forgeToken(secret(), { sub: 'u', iss: 'someone-else' })],
    ['for another audience', () => forgeToken(secret(), { sub: 'u', aud: 'another-api' })],
    ['without an audience', () => forgeToken(secret(), { sub: 'u', aud: null })],
    ['of another type (typ: JWT)', () => forgeToken(secret(), { sub: 'u', typ: 'JWT' })],
    ['without a session id', () => forgeToken(secret(), { sub: 'u', sid: null })],
    ['without a subject', () => forgeToken(secret(), {})],
    ['signed with HS512', () => forgeToken(secret(), { sub: 'u' }, 'HS512')],
    ['unsigned (alg: none)', () => unsignedToken('u')],
    ['tampered with', async () => tamperedToken(await issueAccessToken('u', 's'), { sub: 'v' })],
    ['not a JWT', () => 'not-a-jwt'],
    ['over the length limit', async () => `${await issueAccessToken('u', 's')}${'a'.repeat(5000)}`],
  ];

  it.each(flawed)('refuses a token %s with the one generic UnauthorizedError', async (_label, make) => {
    const error = await caught(verifyToken(await make()));
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error).toMatchObject({ status: 401, code: 'unauthorized', message: 'A valid bearer token is required.' });
  });
});

describe('verifyBearer', () => {
  it('reads `Authorization: Bearer <token>`', async () => {
    const accessToken = await issueAccessToken('user-4', 'session-4');
    await expect(verifyBearer(`Bearer ${accessToken}`)).resolves.toEqual({ userId: 'user-4', sessionId: 'session-4' });
    await expect(verifyBearer(`  Bearer ${accessToken}  `)).resolves.toEqual({ userId: 'user-4', sessionId: 'session-4' });
  });

  it('takes the scheme name in any case, as RFC 9110 says', async () => {
    const accessToken = await issueAccessToken('user-5', 'session-5');
    await expect(verifyBearer(`bearer ${accessToken}`)).resolves.toEqual({ userId: 'user-5', sessionId: 'session-5' });
  });

  it.each([undefined, '', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'Token abc.def.ghi', 'Bearer a.b.c extra', 'Bearer a b'])(
    'refuses the header %p',
    async (authorization) => {
      await expect(verifyBearer(authorization)).rejects.toBeInstanceOf(UnauthorizedError);
    },
  );
});
