import { uniqueEmail, uniquePassword } from '../support/data';
import { call, expectProblem, registerUser, type Answer } from '../support/http';

const loginPath = '/api/v1/users/login';
const login = (email: string, password: string) => call('POST', loginPath, { json: { email, password } });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Asserts a 429 too_many_attempts, and returns its Retry-After in seconds. */
function expectThrottled(answer: Answer): number {
  expectProblem(answer, 429, 'too_many_attempts');
  const retryAfter = answer.headers.get('retry-after');
  expect(retryAfter).toMatch(/^[1-9]\d*$/);
  return Number(retryAfter);
}

/*
 * The per-address limit is raised for the whole run (scripts/test.ts), since every test calls from 127.0.0.1; it is
 * checked at its real value in tests/integration/login-throttle.test.ts.
 */
describe('login throttling over HTTP', () => {
  it('answers 429 with Retry-After after 5 wrong passwords, even for the right one, doubling the wait; a success resets it', async () => {
    const email = uniqueEmail();
    const password = uniquePassword();
    await registerUser(email, password);
    for (let i = 0; i < 5; i += 1) expectProblem(await login(i % 2 ? email.toUpperCase() : email, uniquePassword()), 401, 'invalid_credentials');
    expect(expectThrottled(await login(email, password))).toBe(1);
    await sleep(1100);
    expectProblem(await login(email, uniquePassword()), 401, 'invalid_credentials');
    const wait = expectThrottled(await login(email, password));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(2);
    await sleep(2100);
    expect((await login(email, password)).status).toBe(200);
    // The success reset the count: the next wrong password is a plain 401 again.
    expectProblem(await login(email, uniquePassword()), 401, 'invalid_credentials');
  });

  it('counts an unknown email the same as a known one', async () => {
    const email = uniqueEmail('nobody');
    for (let i = 0; i < 5; i += 1) expectProblem(await login(` ${email} `, uniquePassword()), 401, 'invalid_credentials');
    expect(expectThrottled(await login(email, uniquePassword()))).toBe(1);
  });
});
