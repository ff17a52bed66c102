/**
 * `npm start`: the whole platform on this machine. DynamoDB Local (persisted under .data/), the table, an optional
 * admin from ADMIN_EMAIL/ADMIN_PASSWORD (with MFA on from ADMIN_TOTP_SECRET), and the HTTP API on PORT. Ctrl-C or SIGTERM stops all of it.
 */
import { resolve } from 'node:path';
import { createLocalTable, startDynamo, type LocalDynamo } from './local/dynamo';
import { watchLauncher } from './local/lifeline';
import { portFromEnv, requirePortFree } from './local/ports';
import { stageForTable, startApi, startLambdaApi, type LocalApi } from './local/offline';
import { startSweeper } from './local/sweeper';

async function main(): Promise<number> {
  const shutdown = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => shutdown.abort(signal));
  }
  watchLauncher(() => shutdown.abort('the launching process is gone'));
  let dynamo: LocalDynamo | undefined;
  let api: LocalApi | undefined;
  try {
    const port = portFromEnv('PORT', 3000);
    const dynamoPort = portFromEnv('DYNAMODB_PORT', 8000);
    const tableName = process.env.TABLE_NAME || 'payments-local';
    stageForTable(tableName);
    await requirePortFree(dynamoPort, 'DYNAMODB_PORT');
    await requirePortFree(port, 'PORT');
    const dataDir = resolve(__dirname, '..', '.data', `dynamodb-${dynamoPort}`);
    console.log(`Starting DynamoDB Local on port ${dynamoPort} (data in ${dataDir}) …`);
    dynamo = await startDynamo(dynamoPort, dataDir, shutdown.signal);
    process.env.DYNAMODB_ENDPOINT = dynamo.endpoint;
    process.env.TABLE_NAME = tableName;
    if (await createLocalTable(dynamo.endpoint, tableName)) console.log(`Created table ${tableName}.`);
    await ensureAdminFromEnv();
    shutdown.signal.throwIfAborted();
    // `npm start -- --lambda`: each concurrent request on its own warm instance, as Lambda serves them.
    const lambda = process.argv.includes('--lambda');
    console.log(`Starting the API on port ${port}${lambda ? ' in the Lambda model' : ''} …`);
    api = await (lambda ? startLambdaApi : startApi)({
      port,
      dynamoEndpoint: dynamo.endpoint,
      tableName,
      onOutput: (chunk) => process.stdout.write(chunk),
      shutdown: shutdown.signal,
    });
    // serverless offline runs the scheduled functions itself; the Lambda model serves routes only.
    await startSweeper(shutdown.signal, { sweepHolds: lambda });
    console.log(`\nThe platform is up: ${api.url}  (try: curl ${api.url}/openapi.json). Ctrl-C stops it.`);
    return await untilStopped(shutdown.signal, { 'DynamoDB Local': dynamo, 'The API': api });
  } catch (error) {
    if (shutdown.signal.aborted) return 0;
    console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await api?.stop();
    await dynamo?.stop();
  }
}

/**
 * Waits for a shutdown (exit code 0) or for one of the services to die on its own (1): a platform missing its
 * database or its API is no use, so the rest is stopped too.
 */
function untilStopped(shutdown: AbortSignal, services: Record<string, LocalDynamo | LocalApi>): Promise<number> {
  return new Promise((done) => {
    shutdown.addEventListener('abort', () => done(0), { once: true });
    for (const [name, service] of Object.entries(services)) {
      void service.exited.then(() => {
        if (shutdown.aborted) return;
        console.error(`${name} exited (${service.process.exitCode ?? service.process.signalCode}); stopping.`);
        done(1);
      });
    }
  });
}

/**
 * Creates or promotes the admin named by ADMIN_EMAIL/ADMIN_PASSWORD, if both are set. Safe to repeat. An existing
 * user's password is left as it was, as `npm run admin` leaves it without --reset-password. With ADMIN_TOTP_SECRET
 * (base32) too, the admin's MFA is on with that secret, so it logs in with its codes and holds admin power.
 */
async function ensureAdminFromEnv(): Promise<void> {
  const email = process.env.ADMIN_EMAIL;
  const password = process.env.ADMIN_PASSWORD;
  const totpSecret = process.env.ADMIN_TOTP_SECRET || undefined;
  if (!email || !password) {
    if (totpSecret) console.warn('ADMIN_TOTP_SECRET is ignored without ADMIN_EMAIL and ADMIN_PASSWORD.');
    return;
  }
  // Imported here, after DYNAMODB_ENDPOINT is set, because the storage client reads its configuration once on load.
  const { ensureAdminUser } = await import('./admin-user');
  const { created, user } = await ensureAdminUser(email, password, totpSecret === undefined ? {} : { totpSecret });
  console.log(created ? `Admin ${user.email} created.` : `Admin ${user.email} is ready; its password is unchanged (ADMIN_PASSWORD sets it only `
    + 'for a new admin; `npm run admin -- create --email E --reset-password` changes it).');
  console.log(totpSecret === undefined
    ? 'Its MFA is as it was: without ADMIN_TOTP_SECRET (or `npm run admin -- mfa`), an admin holds no admin power.'
    : 'Its MFA is on with ADMIN_TOTP_SECRET: log in with a code (`npm run admin -- totp` prints the current one).');
}

void main().then((code) => {
  if (code === 0) console.log('Stopped.');
  process.exit(code);
});
