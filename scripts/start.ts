/**
 * `npm start`: the whole platform on this machine. DynamoDB Local (persisted under .data/), the table, an optional
 * admin from ADMIN_EMAIL/ADMIN_PASSWORD, and the HTTP API on PORT. Ctrl-C or SIGTERM stops all of it.
 */
import { resolve } from 'node:path';
import { createLocalTable, startDynamo, type LocalDynamo } from './local/dynamo';
import { portFromEnv } from './local/ports';
import { startApi, type LocalApi } from './local/offline';

async function main(): Promise<void> {
  const port = portFromEnv('PORT', 3000);
  const dynamoPort = portFromEnv('DYNAMODB_PORT', 8000);
  const tableName = process.env.TABLE_NAME || 'payments-local';
  const dataDir = resolve(__dirname, '..', '.data', `dynamodb-${dynamoPort}`);
  let dynamo: LocalDynamo | undefined;
  let api: LocalApi | undefined;
  const stopAll = async (code: number): Promise<never> => {
    await api?.stop();
    await dynamo?.stop();
    process.exit(code);
  };
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));

  try {
    console.log(`Starting DynamoDB Local on port ${dynamoPort} (data in ${dataDir}) …`);
    dynamo = await startDynamo(dynamoPort, dataDir);
    dynamo.process.once('exit', (code) => {
      console.error(`DynamoDB Local exited (${code}); stopping.`);
      void stopAll(1);
    });
    process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
    process.env.TABLE_NAME = tableName;
    if (await createLocalTable(dynamo.endpoint, tableName)) console.log(`Created table ${tableName}.`);
    await ensureAdminFromEnv();
    console.log(`Starting the API on port ${port} …`);
    api = await startApi({
      port,
      dynamoEndpoint: dynamo.endpoint,
      tableName,
      onOutput: (chunk) => process.stdout.write(chunk),
    });
    api.process.once('exit', (code) => {
      console.error(`The API exited (${code}); stopping.`);
      void stopAll(1);
    });
    console.log(`\nThe platform is up: ${api.url}  (try: curl ${api.url}/openapi.json). Ctrl-C stops it.`);
  } catch (error) {
    console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
    await stopAll(1);
  }
}

/** Creates or promotes the admin named by ADMIN_EMAIL/ADMIN_PASSWORD, if both are set. Safe to repeat. */
async function ensureAdminFromEnv(): Promise<void> {
  const email = process.env.ADMIN_EMAIL;
  const password = process.env.ADMIN_PASSWORD;
  if (!email || !password) return;
  // Imported here, after DYNAMODB_ENDPOINT is set, because the storage client reads its configuration once on load.
  const { ensureAdminUser } = await import('./admin-user');
  const { created, user } = await ensureAdminUser(email, password);
  console.log(`Admin ${user.email} ${created ? 'created' : 'is ready'}.`);
}

void main();
