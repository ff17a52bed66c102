import { resolve } from 'node:path';
import execa from 'execa';
import { InvalidCredentialsError, MfaCodeRequiredError } from '../../lib/errors';
import { base32Decode, hotp, newTotpSecret, totpNow, totpStepAt } from '../../lib/identity/totp';
import { login } from '../../lib/identity/users';
import { caught } from '../support/caught';
import { uniqueEmail, uniquePassword } from '../support/data';
import { dynamoEndpoint, tableName } from '../support/env';

jest.setTimeout(60_000);

const root = resolve(__dirname, '../..');

/** `npm run admin -- <args>` against this run's table, with `stdin` piped in as a script or a pipeline would. */
async function admin(args: string[], stdin: string): Promise<{ code: number; output: string }> {
  const result = await execa(process.execPath, ['--import', 'tsx', resolve(root, 'scripts/admin.ts'), ...args], {
    cwd: root,
    env: { DYNAMODB_ENDPOINT: dynamoEndpoint(), TABLE_NAME: tableName(), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    input: stdin,
    all: true,
    reject: false,
  });
  return { code: result.exitCode, output: result.all ?? '' };
}

/** Whether this password logs this email in. */
async function logsIn(email: string, password: string): Promise<boolean> {
  try {
    await login({ email, password });
    return true;
  } catch (error) {
    if (error instanceof InvalidCredentialsError) return false;
    throw error;
  }
}

describe('npm run admin', () => {
  it('creates an admin with the password read from stdin, and leaves an existing user\'s password alone unless --reset-password', async () => {
    const email = uniqueEmail('admin');
    const first = uniquePassword();
    const second = uniquePassword();
    const created = await admin(['create', '--email', email], `${first}\n`);
    expect(created).toEqual({ code: 0, output: expect.stringContaining(`Created admin ${email}`) });
    expect(created.output).not.toContain(first);

    const kept = await admin(['create', '--email', email], `${second}\n`);
    expect(kept).toEqual({ code: 0, output: expect.stringContaining('its password is unchanged') });
    expect(await logsIn(email, first)).toBe(true);
    expect(await logsIn(email, second)).toBe(false);

    const reset = await admin(['create', '--email', email, '--reset-password'], `${second}\r\n`);
    expect(reset).toEqual({ code: 0, output: expect.stringContaining('changed its password') });
    expect(await logsIn(email, second)).toBe(true);
    expect(await logsIn(email, first)).toBe(false);
  });

  it('refuses --password with a clear message, writing nothing', async () => {
    const email = uniqueEmail('admin');
    for (const args of [['--password', 'a-long-password-on-argv'], ['--password=a-long-password-on-argv']]) {
      const refused = await admin(['create', '--email', email, ...args], '');
      expect(refused.code).toBe(2);
      expect(refused.output).toMatch(/--password is refused: a password on the command line shows in `ps`/);
    }
    expect(await logsIn(email, 'a-long-password-on-argv')).toBe(false);
  });

  it('refuses an empty stdin, and a password the register rules refuse', async () => {
    expect(await admin(['create', '--email', uniqueEmail('admin')], '')).toEqual({ code: 1, output: expect.stringContaining('no password on stdin') });
    expect(await admin(['create', '--email', uniqueEmail('admin')], 'short\n')).toEqual({ code: 1, output: expect.stringContaining('admin.password') });
  });

  it('turns MFA on with a secret read from stdin (never printed), and prints the current code of a secret with no network', async () => {
    const email = uniqueEmail('admin');
    const password = uniquePassword();
    expect((await admin(['create', '--email', email], `${password}\n`)).code).toBe(0);
    const secret = newTotpSecret();
    const enrolled = await admin(['mfa', '--email', email], `${secret.toLowerCase()}\n`);
    expect(enrolled).toEqual({ code: 0, output: expect.stringContaining(`MFA is on for ${email}`) });
    expect(enrolled.output.toUpperCase()).not.toContain(secret);
    expect(await caught(login({ email, password }))).toBeInstanceOf(MfaCodeRequiredError);

    const printed = await admin(['totp'], `${secret}\n`);
    expect(printed.code).toBe(0);
    expect(printed.output).not.toContain(secret);
    const code = /^(\d{6}) \(valid \d+ s more/m.exec(printed.output)?.[1];
    const step = totpStepAt(Date.now());
    expect([hotp(base32Decode(secret), step - 1), hotp(base32Decode(secret), step)]).toContain(code);
    expect((await login({ email, password, totp: code! })).tokenType).toBe('Bearer');
    expect(totpNow(secret)).toMatch(/^\d{6}$/);

    expect((await admin(['new-secret'], '')).output).toMatch(/^[A-Z2-7]{32}$/m);
    expect(await admin(['mfa', '--email', uniqueEmail('nobody')], `${secret}\n`)).toEqual({ code: 1, output: expect.stringContaining('No user has that email') });
    expect(await admin(['mfa', '--email', email], 'not-a-secret\n')).toEqual({ code: 1, output: expect.stringContaining('base32') });
    expect(await admin(['mfa', '--email', email], '')).toEqual({ code: 1, output: expect.stringContaining('no TOTP secret on stdin') });
    expect((await admin(['totp', '--email', email], `${secret}\n`)).code).toBe(2);
  });
});
