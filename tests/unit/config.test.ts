/** The configuration is read once at import; each test here imports a fresh copy under its own environment. */
const environmentBefore = { ...process.env };

afterEach(() => {
  process.env = { ...environmentBefore };
  jest.resetModules();
});

async function freshConfig() {
  jest.resetModules();
  return (await import('../../lib/config')).config;
}

describe('config', () => {
  it('gives access tokens 15 minutes by default, and refuses a longer lifetime', async () => {
    delete process.env.TOKEN_TTL_SECONDS;
    expect((await freshConfig()).tokenTtlSeconds).toBe(900);
    process.env.TOKEN_TTL_SECONDS = '600';
    expect((await freshConfig()).tokenTtlSeconds).toBe(600);
    process.env.TOKEN_TTL_SECONDS = '901';
    await expect(freshConfig()).rejects.toThrow('TOKEN_TTL_SECONDS must be at most 900 seconds');
  });

  it('reads the stage from the table name, as serverless.yml names the table', async () => {
    process.env.TABLE_NAME = 'payments-prod';
    expect((await freshConfig()).stage).toBe('prod');
    delete process.env.TABLE_NAME;
    expect((await freshConfig()).stage).toBe('local');
    process.env.TABLE_NAME = 'some-table';
    expect((await freshConfig()).stage).toBe('');
  });
});
