/**
 * `npm run admin -- create --email E [--reset-password]`: creates an admin, or promotes an existing user. The password
 * comes from a prompt (not echoed) or, when stdin is not a terminal, from its first line: never from the command line,
 * where `ps` and the shell's history would keep it. An existing user's password is changed only with
 * `--reset-password`; otherwise it is left as it was, and the output says so.
 *
 * `npm run admin -- mfa --email E`: turns on MFA for an existing user with a base32 TOTP secret read the same way (and
 * replaces the factor of one that lost its device). `npm run admin -- totp` prints the current code of a secret read
 * the same way, with no network; `npm run admin -- new-secret` prints a fresh random secret.
 *
 * Against the local table by default (DYNAMODB_ENDPOINT defaults to DynamoDB Local on DYNAMODB_PORT); set
 * DYNAMODB_ENDPOINT= (empty) and TABLE_NAME to target a deployed stage with your AWS credentials.
 */
import { parseArgs } from 'node:util';
import { AppError } from '../lib/errors';
import { newTotpSecret, normalizeTotpSecret, totpNow, totpStepSeconds } from '../lib/identity/totp';
import { readPassword } from './local/password-input';

const usage = [
  'usage: npm run admin -- create --email E [--reset-password]   (the password is read from a prompt or stdin)',
  '       npm run admin -- mfa --email E                         (turns MFA on with a base32 TOTP secret read from a prompt or stdin)',
  '       npm run admin -- totp                                  (prints the current code of a secret read from a prompt or stdin)',
  '       npm run admin -- new-secret                            (prints a fresh random base32 TOTP secret)',
].join('\n');

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { email: { type: 'string' }, 'reset-password': { type: 'boolean' }, password: { type: 'string' } },
  });
  if (values.password !== undefined) {
    console.error('admin: --password is refused: a password on the command line shows in `ps` and stays in the shell\'s '
      + 'history. Leave it out and type it at the prompt, or pipe it in: printf \'%s\\n\' "$PASSWORD" | npm run admin -- create --email E');
    return 2;
  }
  const [command] = positionals;
  if (positionals.length !== 1 || (command !== 'create' && command !== 'mfa' && command !== 'totp' && command !== 'new-secret')
    || ((command === 'create' || command === 'mfa') !== (values.email !== undefined))) {
    console.error(usage);
    return 2;
  }
  if (command === 'new-secret') {
    console.log(newTotpSecret());
    return 0;
  }
  if (command === 'totp') return printCode(await readPassword('TOTP secret (base32): ', { again: false, what: 'TOTP secret' }));
  const secret = command === 'mfa' ? await readPassword('TOTP secret (base32): ', { what: 'TOTP secret' }) : undefined;
  const password = command === 'create' ? await readPassword('Password: ') : undefined;
  if (process.env.DYNAMODB_ENDPOINT === undefined) {
    process.env.DYNAMODB_ENDPOINT = `http://127.0.0.1:${process.env.DYNAMODB_PORT || 8000}`;
  }
  if (secret !== undefined) return enrol(values.email!, secret);
  const { ensureAdminUser } = await import('./admin-user');
  const resetPassword = values['reset-password'] === true;
  const { created, passwordChanged, user } = await ensureAdminUser(values.email!, password!, { resetPassword });
  if (created) console.log(`Created admin ${user.email} (${user.id}).`);
  else if (passwordChanged) console.log(`Promoted admin ${user.email} (${user.id}) and changed its password.`);
  else console.log(`Promoted admin ${user.email} (${user.id}); its password is unchanged (--reset-password changes it).`);
  return 0;
}

/** Prints the current code of a secret and how long it stays current; the secret itself is never printed. */
function printCode(secret: string): number {
  const normalized = normalizeTotpSecret(secret);
  const leftSeconds = totpStepSeconds - (Math.floor(Date.now() / 1000) % totpStepSeconds);
  console.log(`${totpNow(normalized)} (valid ${leftSeconds} s more; the next code is accepted too, and each code logs in once)`);
  return 0;
}

/** Turns MFA on for the user with this email, with `secret`. */
async function enrol(email: string, secret: string): Promise<number> {
  const { setTotpFactorOf } = await import('../lib/identity/mfa');
  const user = await setTotpFactorOf(email, secret);
  console.log(`MFA is on for ${user.email} (${user.id}) with the secret given; it logs in with its codes from now on.`);
  return 0;
}

main().then((code) => process.exit(code), (error: unknown) => {
  const message = error instanceof AppError
    ? `${error.message} ${error.fieldErrors.map((e) => `${e.path}: ${e.message}`).join('; ')}`
    : error instanceof Error ? error.message : String(error);
  console.error(`admin: ${message}`);
  process.exit(1);
});
