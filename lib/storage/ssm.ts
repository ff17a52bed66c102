/**
 * Reads a SecureString parameter from SSM Parameter Store. Only deployments use it, so the SSM client is loaded on
 * demand and never on a laptop.
 */
export async function readSecureParameter(name: string): Promise<string> {
  const { SSMClient, GetParameterCommand } = await import('@aws-sdk/client-ssm');
  const client = new SSMClient({ maxAttempts: 3 });
  const result = await client.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
  const value = result.Parameter?.Value;
  if (!value) throw new Error(`SSM parameter ${name} is empty.`);
  return value;
}
