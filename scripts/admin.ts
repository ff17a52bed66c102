/**
 * `npm run admin -- create --email E [--reset-password]`: creates an admin, or promotes an existing user. The password
 * comes from a prompt (not echoed) or, when stdin is not a terminal, from its first line: never from the command line,
 * where `ps` and the shell's history would keep it. An existing user's password is changed only with
 * `--reset-password`; otherwise it is left as it was, and the output says so.
 *
 * Against the local table by default (DYNAMODB_ENDPOINT defaults to DynamoDB Local on DYNAMODB_PORT); set
 * DYNAMODB_ENDPOINT= (empty) and TABLE_NAME to target a deployed stage with your AWS credentials.
 */
import { parseArgs } from 'node:util';
import { AppError } from '../lib/errors';
import { readPassword } from './local/password-input';

const usage = 'usage: npm run admin -- create --email E [--reset-password]   (the password is read from a prompt or stdin)';

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
  if (positionals[0] !== 'create' || positionals.length !== 1 || !values.email) {
    console.error(usage);
    return 2;
  }
  const password = await readPassword('Password: ');
  if (process.env.DYNAMODB_ENDPOINT === undefined) {
    process.env.DYNAMODB_ENDPOINT = `http://127.0.0.1:${process.env.DYNAMODB_PORT || 8000}`;
  }
  const { ensureAdminUser } = await import('./admin-user');
  const resetPassword = values['reset-password'] === true;
  const { created, passwordChanged, user } = await ensureAdminUser(values.email, password, { resetPassword });
  if (created) console.log(`Created admin ${user.email} (${user.id}).`);
  else if (passwordChanged) console.log(`Promoted admin ${user.email} (${user.id}) and changed its password.`);
  else console.log(`Promoted admin ${user.email} (${user.id}); its password is unchanged (--reset-password changes it).`);
  return 0;
}

main().then((code) => process.exit(code), (error: unknown) => {
  const message = error instanceof AppError
    ? `${error.message} ${error.fieldErrors.map((e) => `${e.path}: ${e.message}`).join('; ')}`
    : error instanceof Error ? error.message : String(error);
  console.error(`admin: ${message}`);
  process.exit(1);
});
