import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { InvalidCredentialsError, StorageUnavailableError, TooManyAttemptsError } from '../../lib/errors';
import { loginPolicy } from '../../lib/identity/login-policy';
import { throttledLogin } from '../../lib/identity/login-throttle';
import { loginBody, registerBody } from '../../lib/identity/schemas';
import { login, register } from '../../lib/identity/users';
import { db } from '../../lib/storage/client';
import { keys } from '../../lib/storage/keys';
import { caught } from '../support/caught';
import { uniqueEmail, uniquePassword } from '../support/data';
import { directClient } from '../support/dynamo';
import { tableName } from '../support/env';

const client = directClient();
afterAll(() => client.destroy());
afterEach(() => jest.restoreAllMocks());

/** The limits as deployed: the test command raises only the API's per-address limit (scripts/test.ts). */
const policy = loginPolicy({});

/** An address of its own for each test, from the IPv6 documentation prefix. */
const uniqueAddress = () => `2001:db8::${randomBytes(2).toString('hex')}:${randomBytes(2).toString('hex')}`;

const fails = async (): Promise<never> => {
  throw new InvalidCredentialsError();
};
const succeeds = async () => 'token';

/** What one throttled login ended in: `ok`, the error's code, or a 429 with its Retry-After. */
async function outcome(who: { email: string; sourceIp: string }, run: () => Promise<unknown>, under = policy): Promise<string> {
  try {
    await throttledLogin(who, run, under);
    return 'ok';
  } catch (error) {
    if (error instanceof TooManyAttemptsError) return `429 after ${error.headers['retry-after']}`;
    if (error instanceof InvalidCredentialsError) return '401';
    throw error;
  }
}

describe('the login throttle', () => {
  it('lets 5 consecutive failures of an email through, then answers 429 with Retry-After 1 without running the login', async () => {
    const who = { email: uniqueEmail(), sourceIp: uniqueAddress() };
    const results = [];
    for (let i = 0; i < 5; i += 1) results.push(await outcome(who, fails));
    const run = jest.fn(succeeds);
    results.push(await outcome(who, run));
    expect(results).toEqual(['401', '401', '401', '401', '401', '429 after 1']);
    expect(run).not.toHaveBeenCalled();
  });

  it('starts the wait when the wrong password is known, however long its check took', async () => {
    const who = { email: uniqueEmail(), sourceIp: uniqueAddress() };
    for (let i = 0; i < 4; i += 1) await outcome(who, fails);
    // The 5th failure locks the email for 1 s as it counts; its check then outlasts that second.
    const slowlyFails = async (): Promise<never> => {
      await new Promise((resolve) => setTimeout(resolve, 1200));
      throw new InvalidCredentialsError();
    };
    expect(await outcome(who, slowlyFails)).toBe('401');
    const run = jest.fn(succeeds);
    expect(await outcome(who, run)).toBe('429 after 1');
    expect(run).not.toHaveBeenCalled();
  });

  it('keeps its record as its own entity with a TTL, keyed by the email', async () => {
    const who = { email: uniqueEmail(), sourceIp: uniqueAddress() };
    await outcome(who, fails);
    const { Item } = await client.send(new GetCommand({ TableName: tableName(), Key: keys.loginFailures('EMAIL', who.email), ConsistentRead: true }));
    expect(Item).toMatchObject({ entity: 'loginFailures', email: who.email, failures: 1, lockedUntilMs: 0 });
    expect(Item!.expiresAt).toBeGreaterThan(Date.now() / 1000);
    expect(Item!.expiresAt).toBeLessThan(Date.now() / 1000 + 2 * 24 * 3600);
    const address = await client.send(new GetCommand({ TableName: tableName(), Key: keys.loginFailures('ADDRESS', who.sourceIp), ConsistentRead: true }));
    expect(address.Item).toMatchObject({ entity: 'loginFailures', sourceIp: who.sourceIp });
    expect(address.Item!.failureTimes.size).toBe(1);
    expect(address.Item!.expiresAt).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + 15 * 60);
  });

  it('is reset by a success, and not counted by an error that is not a wrong password', async () => {
    const who = { email: uniqueEmail(), sourceIp: uniqueAddress() };
    const results = [];
    for (let i = 0; i < 4; i += 1) results.push(await outcome(who, fails));
    results.push(await outcome(who, succeeds));
    for (let i = 0; i < 4; i += 1) results.push(await outcome(who, fails));
    for (let i = 0; i < 3; i += 1) {
      expect(await caught(throttledLogin(who, async () => { throw new StorageUnavailableError(); }, policy))).toBeInstanceOf(StorageUnavailableError);
    }
    results.push(await outcome(who, fails), await outcome(who, fails));
    expect(results).toEqual(['401', '401', '401', '401', 'ok', '401', '401', '401', '401', '401', '429 after 1']);
  });

  it('lets 12 concurrent logins of one email with the right password all through', async () => {
    const email = uniqueEmail();
    const results = await Promise.all(Array.from({ length: 12 }, () => outcome({ email, sourceIp: uniqueAddress() }, succeeds)));
    expect(results).toEqual(Array(12).fill('ok'));
  });

  it('lets no more than 5 of 20 concurrent failing logins of one email run, whichever instance they reach', async () => {
    const email = uniqueEmail();
    const run = jest.fn(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      throw new InvalidCredentialsError();
    });
    // The first lock lasts a minute here, not a second: on a loaded machine the burst can outlast one second, after
    // which a sixth guess may rightly run.
    const longLock = { ...policy, lockMsMin: 60_000 };
    const results = await Promise.all(Array.from({ length: 20 }, () => outcome({ email, sourceIp: uniqueAddress() }, run, longLock)));
    expect(run.mock.calls.length).toBeLessThanOrEqual(5);
    expect(results.filter((r) => r === '401')).toHaveLength(run.mock.calls.length);
    expect(results.filter((r) => r.startsWith('429'))).toHaveLength(20 - run.mock.calls.length);
  });

  it('allows 50 failures from one address in 15 minutes, whatever the emails, then answers 429 for any email', async () => {
    const sourceIp = uniqueAddress();
    for (let i = 0; i < 50; i += 1) expect(await outcome({ email: uniqueEmail(), sourceIp }, fails)).toBe('401');
    const run = jest.fn(succeeds);
    const refused = await outcome({ email: uniqueEmail(), sourceIp }, run);
    expect(refused).toMatch(/^429 after \d+$/);
    const seconds = Number(refused.split(' ').pop());
    expect(seconds).toBeGreaterThan(14 * 60);
    expect(seconds).toBeLessThanOrEqual(15 * 60);
    expect(run).not.toHaveBeenCalled();
  });

  it('lets concurrent logins from one address (a NAT, a backend) run at once, failing or not', async () => {
    const sourceIp = uniqueAddress();
    const results = await Promise.all(Array.from({ length: 24 }, (_, i) => outcome({ email: uniqueEmail(), sourceIp }, i % 2 === 0 ? succeeds : fails)));
    expect(results).toEqual(Array.from({ length: 24 }, (_, i) => (i % 2 === 0 ? 'ok' : '401')));
    const address = await client.send(new GetCommand({ TableName: tableName(), Key: keys.loginFailures('ADDRESS', sourceIp), ConsistentRead: true }));
    expect(address.Item!.failureTimes.size).toBe(12);
  });

  it('does not count successes against an address', async () => {
    const sourceIp = uniqueAddress();
    for (let i = 0; i < 55; i += 1) expect(await outcome({ email: uniqueEmail(), sourceIp }, succeeds)).toBe('ok');
    expect(await outcome({ email: uniqueEmail(), sourceIp }, fails)).toBe('401');
  });
});

describe('login through the throttle', () => {
  it('runs no argon2 for a throttled login, and counts the email as the login schema normalizes it', async () => {
    const email = uniqueEmail();
    const password = uniquePassword();
    await register(registerBody.parse({ email, password }));
    const sourceIp = uniqueAddress();
    const attempt = (typed: string, pw: string) => {
      const body = loginBody.parse({ email: typed, password: pw });
      return throttledLogin({ email: body.email, sourceIp }, () => login(body), policy);
    };
    for (const typed of [email, ` ${email.toUpperCase()}`, `${email} `, email.toUpperCase(), email]) {
      expect(await caught(attempt(typed, uniquePassword()))).toBeInstanceOf(InvalidCredentialsError);
    }
    const verify = jest.spyOn(argon2, 'verify');
    const hash = jest.spyOn(argon2, 'hash');
    expect(await caught(attempt(email, password))).toBeInstanceOf(TooManyAttemptsError);
    expect(verify).not.toHaveBeenCalled();
    expect(hash).not.toHaveBeenCalled();
  });
});

describe('login without a timing oracle', () => {
  /** The DynamoDB calls and argon2 verifications one login makes. */
  async function traced(body: { email: string; password: string }): Promise<{ calls: string[]; verifies: number }> {
    const calls: string[] = [];
    const name = `trace-${randomBytes(4).toString('hex')}`;
    db.middlewareStack.add((next, context) => async (args) => {
      const key = (args.input as { Key?: { pk?: string } }).Key;
      calls.push(`${context.commandName} ${key?.pk?.split('#')[0] ?? ''}`);
      return next(args);
    }, { step: 'initialize', name });
    const verify = jest.spyOn(argon2, 'verify');
    try {
      expect(await caught(login(loginBody.parse(body)))).toBeInstanceOf(InvalidCredentialsError);
      return { calls, verifies: verify.mock.calls.length };
    } finally {
      db.middlewareStack.remove(name);
      verify.mockRestore();
    }
  }

  it('makes the same reads and exactly one argon2 verify for an unknown email and a wrong password', async () => {
    const email = uniqueEmail();
    await register(registerBody.parse({ email, password: uniquePassword() }));
    const unknown = await traced({ email: uniqueEmail('nobody'), password: uniquePassword() });
    const wrong = await traced({ email, password: uniquePassword() });
    expect(unknown).toEqual(wrong);
    expect(wrong).toEqual({ calls: [expect.stringMatching(/^Get.* EMAIL$/), expect.stringMatching(/^Get.* USER$/)], verifies: 1 });
  });
});
