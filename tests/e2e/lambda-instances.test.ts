/**
 * The Lambda model keeps its instances: a load of N requests at a time starts at most N instances of a function and
 * reuses them while warm, as Lambda does. An instance that was started but lost from the model's books would be
 * started again for every later request, each a cold start, and the model would measure cold starts instead of the
 * platform (this once made its spread-out rate a tenth of what it is).
 */
import { apiClient, type ApiCall } from '../../scripts/local/api-client';
import { startLambdaApi, type LocalApi } from '../../scripts/local/offline';
import { freePort } from '../../scripts/local/ports';
import { dynamoEndpoint, jwtSecret, tableName } from '../support/env';

jest.setTimeout(180_000);

const inFlight = 6;
const rounds = 4;

let api: LocalApi;
let call: ApiCall;
let output = '';

beforeAll(async () => {
  api = await startLambdaApi({
    port: await freePort(), dynamoEndpoint: dynamoEndpoint(), tableName: tableName(), env: { JWT_SECRET: jwtSecret() },
    onOutput: (chunk) => { output += chunk; },
  });
  call = apiClient(api.url, 30_000);
});

afterAll(async () => {
  await api?.stop();
});

/** The cold starts the model logged for `functionName`. */
function coldStarts(functionName: string): number {
  return output.split('\n').filter((line) => line.includes('"message":"cold start"') && line.includes(`"function":"${functionName}"`)).length;
}

test(`${rounds} rounds of ${inFlight} requests at a time start at most ${inFlight} instances, then reuse them`, async () => {
  for (let round = 0; round < rounds; round += 1) {
    const answers = await Promise.all(Array.from({ length: inFlight }, () => call('GET', '/openapi.json')));
    expect(answers.map((answer) => answer.status)).toEqual(Array(inFlight).fill(200));
  }
  const started = coldStarts('openapi');
  expect(started).toBeGreaterThanOrEqual(1);
  expect(started).toBeLessThanOrEqual(inFlight);
});
