import { decodeJwt, decodeProtectedHeader } from 'jose';
import { config } from '../../lib/config';
import { UnauthorizedError } from '../../lib/errors';
import { verifyBearer, issueToken, verifyToken } from '../../lib/identity/tokens';
import { caught } from '../support/caught';
import { forgeToken, tamperedToken, unsignedToken } from '../support/tokens';

// `npm test` sets the secret; a direct jest run gets this one. Either way it is set before the first token is made.
process.env.JWT_SECRET ??= 'unit-test-secret-0123456789-abcdefghijklmnop';
const secret = (): string => process.env.JWT_SECRET!;

describe('issueToken', () => {
  it('signs an HS256 token naming the user, role, issuer and a TTL-bound expiry', async () => {
    const token = await issueToken('user-1', 'user');
    expect(token).toMatchObject({ tokenType: 'Bearer', expiresIn: config.tokenTtlSeconds });
    expect(decodeProtectedHeader(token.accessToken)).toEqual({ alg: 'HS256', typ: 'JWT' });
    const claims = decodeJwt(token.accessToken);
    expect(claims).toMatchObject({ sub: 'user-1', role: 'user', iss: 'serverless-payments' });
    expect(claims.exp! - claims.iat!).toBe(config.tokenTtlSeconds);
    expect(Math.abs(claims.iat! - Date.now() / 1000)).toBeLessThan(5);
  });

  it('carries no secret or password material in its claims', async () => {
    const claims = decodeJwt((await issueToken('user-1', 'admin')).accessToken);
    expect(Object.keys(claims).sort()).toEqual(['exp', 'iat', 'iss', 'role', 'sub']);
  });
});

describe('verifyToken', () => {
  it('returns the caller of a token it issued', async () => {
    const { accessToken } = await issueToken('user-2', 'admin');
    await expect(verifyToken(accessToken)).resolves.toEqual({ userId: 'user-2', role: 'admin' });
  });

  it('accepts a token forged with the configured secret, so the rejections below are about the flaw alone', async () => {
    await expect(verifyToken(await forgeToken(secret(), { sub: 'user-3' }))).resolves.toEqual({ userId: 'user-3', role: 'user' });
  });

  const nowSeconds = () => Math.floor(Date.now() / 1000);
  const flawed: Array<[string, () => Promise<string> | string]> = [
    ['expired', () => forgeToken(secret(), { sub: 'u', iat: nowSeconds() - 7200, exp: nowSeconds() - 60 })],
    ['signed with another secret', () => forgeToken('another-secret-that-is-long-enough-0123456789', { sub: 'u' })],
    ['from another issuer', () => forgeToken(secret(), { sub: 'u', iss: 'someone-else' })],
    ['without a subject', () => forgeToken(secret(), {})],
    ['with an unknown role', () => forgeToken(secret(), { sub: 'u', role: 'root' })],
    ['signed with HS512', () => forgeToken(secret(), { sub: 'u' }, 'HS512')],
    ['unsigned (alg: none)', () => unsignedToken('u')],
    ['tampered with', async () => tamperedToken((await issueToken('u', 'user')).accessToken)],
    ['not a JWT', () => 'not-a-jwt'],
    ['over the length limit', async () => `${(await issueToken('u', 'user')).accessToken}${'a'.repeat(5000)}`],
  ];

  it.each(flawed)('refuses a token %s with the one generic UnauthorizedError', async (_label, make) => {
    const error = await caught(verifyToken(await make()));
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error).toMatchObject({ status: 401, code: 'unauthorized', message: 'A valid bearer token is required.' });
  });
});

describe('verifyBearer', () => {
  it('reads `Authorization: Bearer <token>`', async () => {
    const { accessToken } = await issueToken('user-4', 'user');
    await expect(verifyBearer(`Bearer ${accessToken}`)).resolves.toEqual({ userId: 'user-4', role: 'user' });
    await expect(verifyBearer(`  Bearer ${accessToken}  `)).resolves.toEqual({ userId: 'user-4', role: 'user' });
  });

  it('takes the scheme name in any case, as RFC 9110 says', async () => {
    const { accessToken } = await issueToken('user-5', 'user');
    await expect(verifyBearer(`bearer ${accessToken}`)).resolves.toEqual({ userId: 'user-5', role: 'user' });
  });

  it.each([undefined, '', 'Bearer', 'Bearer ', 'Basic dXNlcjpwYXNz', 'Token abc.def.ghi', 'Bearer a.b.c extra', 'Bearer a b'])(
    'refuses the header %p',
    async (authorization) => {
      await expect(verifyBearer(authorization)).rejects.toBeInstanceOf(UnauthorizedError);
    },
  );
});
