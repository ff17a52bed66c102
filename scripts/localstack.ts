/**
 * `npm run deploy:localstack` (and `npx tsx scripts/localstack.ts remove`): deploys the `localstack` stage to the
 * LocalStack that `localstack/docker-compose.yml` starts, or removes it.
 *
 * osls 4 calls AWS through SDK v3 clients, which follow AWS_ENDPOINT_URL; this points every one of them at LocalStack
 * with LocalStack's dummy credentials, so nothing can reach a real AWS account whatever the shell's profile is.
 * (serverless-localstack 1.4 cannot do this with osls 4: it patches the SDK v2 surface that osls 4 removed.)
 */
import { resolve } from 'node:path';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import execa from 'execa';

const stage = 'localstack';
const region = 'us-east-1';
const secretParameter = '/serverless-payments/localstack/jwt-secret';
const endpoint = process.env.LOCALSTACK_ENDPOINT || 'http://localhost:4566';
/** S3 addresses buckets by host name; LocalStack's public DNS name resolves every such host to 127.0.0.1. */
const s3Endpoint = process.env.LOCALSTACK_S3_ENDPOINT || 'http://s3.localhost.localstack.cloud:4566';
const probeTimeoutMs = 5000;
const root = resolve(__dirname, '..');

/** The environment osls runs in: LocalStack's endpoints and credentials, none of the shell's AWS identity. */
function localstackEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_SECURITY_TOKEN', 'AWS_DEFAULT_PROFILE']) delete env[name];
  return {
    ...env,
    AWS_ENDPOINT_URL: endpoint,
    AWS_ENDPOINT_URL_S3: s3Endpoint,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: region,
    SLS_TELEMETRY_DISABLED: '1',
  };
}

/** Fails with the fix when LocalStack is not up, or its init script has not created the JWT secret. */
async function preflight(): Promise<void> {
  const start = 'Start it with: LOCALSTACK_AUTH_TOKEN=… docker compose -f localstack/docker-compose.yml up -d';
  try {
    const health = await fetch(`${endpoint}/_localstack/health`, { signal: AbortSignal.timeout(probeTimeoutMs) });
    if (!health.ok) throw new Error(`HTTP ${health.status}`);
  } catch (error) {
    throw new Error(`LocalStack is not answering at ${endpoint} (${error instanceof Error ? error.message : String(error)}). ${start}`);
  }
  const ssm = new SSMClient({ endpoint, region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' }, maxAttempts: 2 });
  try {
    await ssm.send(new GetParameterCommand({ Name: secretParameter }));
  } catch (error) {
    throw new Error(
      `LocalStack has no SSM parameter ${secretParameter} (${error instanceof Error ? error.name : String(error)}): ` +
        'localstack/init/ready.d/10-jwt-secret.sh creates it when the compose file mounts it. ' + start,
    );
  } finally {
    ssm.destroy();
  }
}

/** Runs osls with `args` against LocalStack, echoing its output; resolves with that output, rejects on failure. */
async function serverless(args: string[]): Promise<string> {
  const child = execa(process.execPath, [resolve(root, 'node_modules/serverless/bin/serverless.js'), ...args, '--stage', stage, '--region', region], {
    cwd: root,
    env: localstackEnv(),
    // The environment above is the whole of it: the shell's AWS profile and tokens were taken out on purpose.
    extendEnv: false,
    stdin: 'inherit',
    all: true,
    reject: false,
  });
  child.stdout?.pipe(process.stdout);
  child.stderr?.pipe(process.stderr);
  const result = await child;
  if (result.exitCode !== 0) throw new Error(`serverless ${args[0]} exited with ${result.exitCode ?? result.signal}.`);
  return result.all ?? '';
}

async function main(): Promise<void> {
  const command = process.argv[2] ?? 'deploy';
  if (command !== 'deploy' && command !== 'remove') throw new Error('usage: tsx scripts/localstack.ts [deploy|remove]');
  await preflight();
  const output = await serverless([command]);
  if (command === 'remove') return;
  // osls prints the AWS form of each endpoint; LocalStack serves an HTTP API's $default stage on its own host name.
  const apiId = /https:\/\/([a-z0-9]+)\.execute-api\./.exec(output)?.[1];
  if (!apiId) throw new Error('Deployed, but the output names no HTTP API endpoint.');
  const url = `http://${apiId}.execute-api.localhost.localstack.cloud:4566`;
  console.log(`\nThe localstack stage is up: ${url}`);
  console.log('Create an admin in its table, then smoke it:');
  console.log(`  DYNAMODB_ENDPOINT=${endpoint} TABLE_NAME=payments-${stage} npm run admin -- create --email admin@example.com   (asks for the password)`);
  console.log(`  SECRET=$(npm run -s admin -- new-secret); printf '%s\\n' "$SECRET" | DYNAMODB_ENDPOINT=${endpoint} TABLE_NAME=payments-${stage} npm run admin -- mfa --email admin@example.com`);
  console.log(`  ADMIN_EMAIL=admin@example.com ADMIN_PASSWORD='<the same>' ADMIN_TOTP_SECRET="$SECRET" npm run smoke -- --url ${url}`);
}

main().catch((error: unknown) => {
  console.error(`deploy:localstack: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
