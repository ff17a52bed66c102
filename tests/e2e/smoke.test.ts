/**
 * `npm run smoke -- --url URL`, run as a command against the API that `npm test` started (the same `serverless
 * offline` that `npm start` serves), with an admin made directly in the table as `npm run admin` makes one.
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { registerBody } from '../../lib/identity/schemas';
import { newTotpSecret } from '../../lib/identity/totp';
import { ensureAdmin } from '../../lib/identity/users';
import { queryAccountsOfOwner } from '../../lib/storage/accounts';
import { uniqueEmail, uniquePassword } from '../support/data';
import { apiUrl, dynamoEndpoint } from '../support/env';

const root = resolve(__dirname, '../..');
const smokeTimeoutMs = 60_000;

/** Runs the smoke command with `args` and the admin credentials in its environment. */
function smoke(args: string[], admin: { email?: string; password?: string; totpSecret?: string }): Promise<{ code: number; output: string }> {
  return new Promise((done) => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
    if (admin.email) env.ADMIN_EMAIL = admin.email;
    if (admin.password) env.ADMIN_PASSWORD = admin.password;
    if (admin.totpSecret) env.ADMIN_TOTP_SECRET = admin.totpSecret;
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'scripts/smoke.ts'), ...args], {
      cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: smokeTimeoutMs,
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.once('close', (code) => done({ code: code ?? 1, output }));
  });
}

describe('npm run smoke', () => {
  const admin = { email: uniqueEmail('smoke-admin'), password: uniquePassword(), totpSecret: newTotpSecret() };
  let adminId = '';

  beforeAll(async () => {
    dynamoEndpoint();
    adminId = (await ensureAdmin(registerBody.parse({ email: admin.email, password: admin.password }), { totpSecret: admin.totpSecret })).user.id;
  });

  it('passes every step against the local API, and says so', async () => {
    const { code, output } = await smoke(['--url', apiUrl()], admin);
    expect({ code, output }).toEqual({ code: 0, output: expect.stringContaining('Smoke test passed') });
    for (const step of [
      'register two users', 'log in both users and the admin', 'open an account for each user', 'fund the first account',
      'transfer 2500 from the first user to the second', 'replay the transfer', 'check both balances',
      'read the transaction as the receiver', 'refuse the second user the first user\'s account',
    ]) {
      expect(output).toMatch(new RegExp(`^ok  ${step}`, 'm'));
    }
  }, smokeTimeoutMs);

  it('runs again without opening a second funding account', async () => {
    const { code } = await smoke(['--url', `${apiUrl()}/`], admin);
    expect(code).toBe(0);
    // Read from the table: both runs spent the admin's codes of this moment (each code logs in once).
    const { accounts } = await queryAccountsOfOwner(adminId, 100);
    const funding = accounts.filter((a) => a.type === 'system' && a.name === 'Smoke test funding');
    expect(funding).toHaveLength(1);
    expect(funding[0]!.balance).toBe(-20_000);
  }, smokeTimeoutMs);

  it('fails, naming the step, when the admin credentials are wrong', async () => {
    const { code, output } = await smoke(['--url', apiUrl()], { ...admin, password: uniquePassword() });
    expect(code).toBe(1);
    expect(output).toMatch(/FAILED log in the admin .* expected HTTP 200 \(HTTP 401: .*invalid_credentials/);
    expect(output).not.toContain('Smoke test passed');
  }, smokeTimeoutMs);

  it('fails at the funding account when the admin logs in without its code: no MFA session, no admin power', async () => {
    const other = { email: uniqueEmail('smoke-admin'), password: uniquePassword() };
    await ensureAdmin(registerBody.parse(other));
    const { code, output } = await smoke(['--url', apiUrl()], other);
    expect(code).toBe(1);
    expect(output).toMatch(/FAILED funding account: the admin could not open a system account \(HTTP 403: .*mfa_required/);
  }, smokeTimeoutMs);

  it('fails, naming the step, when nothing answers at the URL', async () => {
    const { code, output } = await smoke(['--url', 'http://127.0.0.1:9'], admin);
    expect(code).toBe(1);
    expect(output).toMatch(/FAILED register two users: fetch failed/);
  }, smokeTimeoutMs);

  it('prints its usage without a URL or admin credentials', async () => {
    expect(await smoke([], admin)).toEqual({ code: 2, output: expect.stringContaining('usage:') });
    expect(await smoke(['--url', apiUrl()], {})).toEqual({ code: 2, output: expect.stringContaining('usage:') });
  }, smokeTimeoutMs);
});
