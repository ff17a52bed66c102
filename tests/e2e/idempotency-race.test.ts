import { randomUUID } from 'node:crypto';
import { call, type Answer } from '../support/http';
import { adminSession, signUp } from '../support/sessions';

/*
 * One key, many sends at once, while another key races it for the same funds: in the Lambda model every send is its
 * own instance, so the key's record, not any process's memory, is what makes every answer under a key the same.
 */

test('each key answers every one of its concurrent sends alike, whether it posted or was refused for funds', async () => {
  const admin = await adminSession();
  const bank = (await call('POST', '/v1/accounts', { token: admin.token, json: { currency: 'USD', type: 'system' } })).body.id as string;
  const payer = await signUp();
  const payee = await signUp();
  const from = (await call('POST', '/v1/accounts', { token: payer.token, json: { currency: 'USD' } })).body.id as string;
  const to = (await call('POST', '/v1/accounts', { token: payee.token, json: { currency: 'USD' } })).body.id as string;
  const funding = await call('POST', '/v1/transfers', {
    token: admin.token, json: { fromAccountId: bank, toAccountId: from, amount: 1_000, currency: 'USD' }, headers: { 'Idempotency-Key': randomUUID() },
  });
  expect(funding.status).toBe(201);

  // Two keys, each for 600 of the 1,000: one can post, the other must be refused; four sends of each at once.
  const keys = [`race-a-${randomUUID()}`, `race-b-${randomUUID()}`];
  const sends = keys.flatMap((key) => Array.from({ length: 4 }, () => call('POST', '/v1/transfers', {
    token: payer.token, json: { fromAccountId: from, toAccountId: to, amount: 600, currency: 'USD' }, headers: { 'Idempotency-Key': key },
  })));
  const answers = await Promise.all(sends);
  const byKey = keys.map((_, k) => answers.slice(k * 4, k * 4 + 4).filter((answer) => answer.status !== 503));
  const outcomes = byKey.map((sent) => new Set(sent.map((answer) => `${answer.status} ${answer.body.id ?? answer.body.code}`)));
  // A 503 binds nothing and may be sent again; every other answer under one key is the same answer.
  for (const outcome of outcomes) expect(outcome.size).toBeLessThanOrEqual(1);
  // Each key sent again, as a client retries a 503, until it answers: a replay of what it bound, if it bound anything.
  const settled: Answer[] = [];
  for (const key of keys) {
    let answer: Answer | undefined;
    for (let send = 0; send < 10 && (answer === undefined || answer.status === 503); send += 1) {
      answer = await call('POST', '/v1/transfers', {
        token: payer.token, json: { fromAccountId: from, toAccountId: to, amount: 600, currency: 'USD' }, headers: { 'Idempotency-Key': key },
      });
    }
    settled.push(answer!);
  }
  keys.forEach((_, k) => {
    if (outcomes[k]!.size === 1) expect(settled[k]!.headers.get('idempotent-replayed')).toBe('true');
  });
  expect(settled.map((answer) => answer.status).sort()).toEqual([201, 422]);
  expect(settled.find((answer) => answer.status === 422)!.body.code).toBe('insufficient_funds');
  keys.forEach((_, k) => {
    for (const outcome of outcomes[k]!) expect(outcome).toBe(`${settled[k]!.status} ${settled[k]!.body.id ?? settled[k]!.body.code}`);
  });
  const balance = await call('GET', `/v1/accounts/${from}/balance`, { token: payer.token });
  expect(balance.body.balance).toBe(400);
});
