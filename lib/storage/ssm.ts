import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

/**
 * Reads a SecureString parameter from SSM Parameter Store. Only deployments use it, and lib/identity/secret.ts imports
 * this module on demand: on a laptop the SSM client never loads, and a deployed function loads it (a chunk beside its
 * bundle) when it first signs or verifies a token. The import names the two exports it uses so that esbuild leaves
 * the rest of the SSM client out.
 */
export async function readSecureParameter(name: string): Promise<string> {
  const client = new SSMClient({ maxAttempts: 3 });
  const result = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
  const value = result.Parameter?.Value;
  if (!value) throw new Error(`SSM parameter ${name} is empty.`);
  return value;
}
