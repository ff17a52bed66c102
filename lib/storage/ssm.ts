import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { StorageUnavailableError } from '../errors';
import { awsClientOptions } from './aws-client';
import { isUnavailable } from './dynamo-errors';

/**
 * Reads a SecureString parameter from SSM Parameter Store. Only deployments use it, and lib/identity/secret.ts imports
 * this module on demand: on a laptop the SSM client never loads, and a deployed function loads it (a chunk beside its
 * bundle) when it first signs or verifies a token. The import names the two exports it uses so that esbuild leaves
 * the rest of the SSM client out.
 *
 * The client has every client's bounds (./aws-client.ts), but records no calls: the IAM test learns of the read from
 * `recordSecretRead`, which also stands for it where `npm start` and the tests read the secret from the environment.
 * SSM throttled, failing on its side, unreachable or too slow is a busy platform (`StorageUnavailableError`, 503,
 * retry: the failed read is not kept); a parameter that is missing or denied is a broken deployment, a bug (500).
 */
export async function readSecureParameter(name: string): Promise<string> {
  const client = new SSMClient(awsClientOptions(undefined));
  let value: string | undefined;
  try {
    value = (await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }))).Parameter?.Value;
  } catch (error) {
    const answered = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== undefined;
    if (isUnavailable(error) || !answered) throw new StorageUnavailableError();
    throw error;
  } finally {
    client.destroy();
  }
  if (!value) throw new Error(`SSM parameter ${name} is empty.`);
  return value;
}
