/**
 * The signing key is loaded once per cold start; each test here loads a fresh copy of the module to see a cold start
 * under its own environment.
 */
const savedEnv = { ...process.env };
const longSecret = 'a-secret-of-at-least-thirty-two-characters';

async function freshSigningKey() {
  return (await import('../../lib/identity/secret')).signingKey;
}

beforeEach(() => {
  jest.resetModules();
  for (const name of ['JWT_SECRET', 'JWT_SECRET_PARAMETER', 'AWS_LAMBDA_FUNCTION_NAME', 'IS_OFFLINE']) delete process.env[name];
  // The stage is the table's (`payments-<stage>`); the local one is `npm start`'s default.
  process.env.TABLE_NAME = 'payments-local';
  jest.spyOn(console, 'warn').mockImplementation(() => undefined);
});

afterEach(() => {
  process.env = { ...savedEnv };
  jest.restoreAllMocks();
});

describe('signingKey', () => {
  it('uses JWT_SECRET, and loads it once', async () => {
    process.env.JWT_SECRET = longSecret;
    const signingKey = await freshSigningKey();
    const key = await signingKey();
    expect(Buffer.from(key).toString()).toBe(longSecret);
    expect(await signingKey()).toBe(key);
  });

  it('refuses a secret shorter than 32 characters', async () => {
    process.env.JWT_SECRET = 'x'.repeat(31);
    await expect((await freshSigningKey())()).rejects.toThrow('at least 32 characters');
  });

  it('falls back to the development secret on a laptop at the local stage, with a warning', async () => {
    const key = await (await freshSigningKey())();
    expect(key.byteLength).toBeGreaterThanOrEqual(32);
    expect(console.warn).toHaveBeenCalledWith(expect.stringContaining('JWT_SECRET is not set'));
  });

  it('refuses the development secret inside a real Lambda, even at the local stage', async () => {
    process.env.AWS_LAMBDA_FUNCTION_NAME = 'serverless-payments-prod-login';
    await expect((await freshSigningKey())()).rejects.toThrow('No JWT secret is configured');
  });

  it.each(['payments-dev', 'payments-prod', 'payments-localstack', 'payments-local-copy', 'my-table'])(
    'refuses the development secret outside a Lambda when the table is %s, which is not the local stage',
    async (tableName) => {
      process.env.TABLE_NAME = tableName;
      process.env.IS_OFFLINE = 'true';
      await expect((await freshSigningKey())()).rejects.toThrow('No JWT secret is configured');
      expect(console.warn).not.toHaveBeenCalled();
    },
  );

  it('signs nothing with the development secret at another stage: issuing a token fails', async () => {
    process.env.TABLE_NAME = 'payments-prod';
    const { issueAccessToken } = await import('../../lib/identity/tokens');
    await expect(issueAccessToken('user-1', 'session-1')).rejects.toThrow('No JWT secret is configured');
  });

  it('reads the secret from SSM when JWT_SECRET_PARAMETER names one', async () => {
    const readSecureParameter = jest.fn(async () => longSecret);
    jest.doMock('../../lib/storage/ssm', () => ({ readSecureParameter }));
    process.env.JWT_SECRET_PARAMETER = '/payments/prod/jwt-secret';
    process.env.JWT_SECRET = 'ignored-when-a-parameter-is-named-0123456789';
    const key = await (await freshSigningKey())();
    expect(Buffer.from(key).toString()).toBe(longSecret);
    expect(readSecureParameter).toHaveBeenCalledWith('/payments/prod/jwt-secret');
  });

  it('tries SSM again on the next call after a failed load, instead of failing until the next cold start', async () => {
    const readSecureParameter = jest.fn()
      .mockRejectedValueOnce(new Error('ThrottlingException'))
      .mockResolvedValueOnce(longSecret);
    jest.doMock('../../lib/storage/ssm', () => ({ readSecureParameter }));
    process.env.JWT_SECRET_PARAMETER = '/payments/prod/jwt-secret';
    const signingKey = await freshSigningKey();
    await expect(signingKey()).rejects.toThrow('ThrottlingException');
    expect(Buffer.from(await signingKey()).toString()).toBe(longSecret);
    expect(readSecureParameter).toHaveBeenCalledTimes(2);
  });
});
