/**
 * What `npm test` hands the tests: the private DynamoDB Local, the table, the API and its log, and the signing secret.
 * Connected tests refuse to run against anything but a loopback endpoint, so no test can write to a real table.
 */
function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the tests with \`npm test\`, which starts the services.`);
  return value;
}

/** The DynamoDB endpoint, checked to be DynamoDB Local on this machine. */
export function dynamoEndpoint(): string {
  const endpoint = required('DYNAMODB_ENDPOINT');
  const host = new URL(endpoint).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(host)) {
    throw new Error(`Refusing to run connected tests against ${endpoint}: only DynamoDB Local is allowed.`);
  }
  return endpoint;
}

/** The base URL of the API under test, checked to be on this machine. */
export function apiUrl(): string {
  const url = required('API_URL');
  if (new URL(url).hostname !== '127.0.0.1') throw new Error(`Refusing to run end-to-end tests against ${url}.`);
  return url;
}

/** The table this run created. */
export const tableName = (): string => required('TABLE_NAME');
/** The file that collects everything the API printed during this run. */
export const apiLogFile = (): string => required('API_LOG_FILE');
/** The secret the API signs tokens with in this run, so tests can forge tokens it accepts. */
export const jwtSecret = (): string => required('JWT_SECRET');
/** The token lifetime the API was started with. */
export const tokenTtlSeconds = (): number => Number(required('TOKEN_TTL_SECONDS'));
