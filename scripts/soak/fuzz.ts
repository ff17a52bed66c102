/**
 * The soak's fuzz phase: an API of its own on the soak table, a world of two users, and generated bad requests in
 * rounds of fast-check runs (a failure shrinks to the smallest request that shows it). Every answer must be a 4xx
 * problem; afterwards the table must be byte-for-byte what it was, and the API's output must hold no secret.
 */
import fc from 'fast-check';
import { paginateScan } from '@aws-sdk/lib-dynamodb';
import { config } from '../../lib/config';
import { expireHolds } from '../../lib/ledger/hold-expiry';
import { db } from '../../lib/storage/client';
import { fuzzRequestArb, sendFuzz } from '../../tests/support/fuzz';
import { buildFuzzWorld, startOwnApi, tableImage } from '../../tests/support/own-api';

const requestsPerRound = 500;

/**
 * Sends at least `target` generated bad requests to an API of its own and returns how they were answered, whether
 * the table changed and how many secrets its output held. `seed` makes a run repeatable.
 */
export async function fuzzPhase(target: number, seed: number) {
  const startedMs = Date.now();
  const api = await startOwnApi();
  try {
    const { world, secrets } = await buildFuzzWorld(api.url);
    // The API runs the expiry sweep on its schedule (serverless offline runs scheduled functions), which would release
    // the holds the earlier phases left to expire: release them first, so the table moves only if a request moves it.
    await expireHolds();
    const before = await tableImage();
    const statuses: Record<number, number> = {};
    let requests = 0;
    let wrongAnswers = 0;
    let fiveHundreds = 0;
    const property = fc.asyncProperty(fuzzRequestArb(world), async (request) => {
      const { status, problem } = await sendFuzz(api.url, request);
      requests += 1;
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status >= 500) fiveHundreds += 1;
      else if (problem) wrongAnswers += 1;
      if (problem) throw new Error(problem);
    });
    for (let round = 0; requests < target; round += 1) {
      const result = await fc.check(property, { numRuns: requestsPerRound, seed: seed + round });
      if (result.failed) console.log(fc.defaultReportMessage(result));
      process.stdout.write(`\rfuzz: ${requests}/${target} requests   `);
    }
    const tableChanged = (await tableImage()) !== before;
    const hashes: string[] = [];
    const users = paginateScan({ client: db }, {
      TableName: config.tableName, FilterExpression: 'entity = :user', ExpressionAttributeValues: { ':user': 'user' },
    });
    for await (const page of users) hashes.push(...(page.Items ?? []).map((item) => String(item.passwordHash)));
    const output = api.output();
    const secretsLogged = [...secrets, ...hashes].filter((secret) => output.includes(secret)).length
      + (/\$argon2id?\$|eyJ[A-Za-z0-9_-]{8,}\.eyJ/.test(output) ? 1 : 0);
    return { requests, statuses, fiveHundreds, wrongAnswers, tableChanged, secretsLogged, seconds: Math.round((Date.now() - startedMs) / 1000) };
  } finally {
    await api.stop();
  }
}
