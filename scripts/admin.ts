/**
 * `npm run admin -- create --email E --password P`: creates an admin, or promotes an existing user and sets the
 * password. Against the local table by default (DYNAMODB_ENDPOINT defaults to DynamoDB Local on DYNAMODB_PORT);
 * set DYNAMODB_ENDPOINT= (empty) and TABLE_NAME to target a deployed stage with your AWS credentials.
 */
import { parseArgs } from 'node:util';
import { AppError } from '../lib/errors';

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { email: { type: 'string' }, password: { type: 'string' } },
  });
  if (positionals[0] !== 'create' || !values.email || !values.password) {
    console.error('usage: npm run admin -- create --email E --password P');
    process.exit(2);
  }
  if (process.env.DYNAMODB_ENDPOINT === undefined) {
    process.env.DYNAMODB_ENDPOINT = `http://127.0.0.1:${process.env.DYNAMODB_PORT || 8000}`;
  }
  const { ensureAdminUser } = await import('./admin-user');
  const { created, user } = await ensureAdminUser(values.email, values.password);
  console.log(`${created ? 'Created' : 'Promoted'} admin ${user.email} (${user.id}).`);
}

main().catch((error: unknown) => {
  const message = error instanceof AppError
    ? `${error.message} ${error.fieldErrors.map((e) => `${e.path}: ${e.message}`).join('; ')}`
    : error instanceof Error ? error.message : String(error);
  console.error(`admin: ${message}`);
  process.exit(1);
});
