import { addressFreeAtMs, lockMsAfter, loginPolicy, secondsUntil } from '../../lib/identity/login-policy';

const policy = loginPolicy({});
const minuteMs = 60_000;

describe('the login policy', () => {
  it('allows 5 failures per email, then waits 1 s doubling to 15 min; 50 failures per address in 15 min', () => {
    expect(policy).toEqual({
      emailFailuresFree: 5, lockMsMin: 1000, lockMsMax: 15 * minuteMs, emailMemoryMs: 24 * 60 * minuteMs,
      addressFailuresMax: 50, addressWindowMs: 15 * minuteMs,
    });
  });

  it('takes the per-address limit from LOGIN_ADDRESS_FAILURES_MAX, and refuses one that is not a positive integer', () => {
    expect(loginPolicy({ LOGIN_ADDRESS_FAILURES_MAX: '7' }).addressFailuresMax).toBe(7);
    expect(loginPolicy({ LOGIN_ADDRESS_FAILURES_MAX: '' }).addressFailuresMax).toBe(50);
    for (const bad of ['0', '-1', '2.5', 'many']) {
      expect(() => loginPolicy({ LOGIN_ADDRESS_FAILURES_MAX: bad })).toThrow(/LOGIN_ADDRESS_FAILURES_MAX/);
    }
  });

  it('locks an email from its 5th consecutive failure, doubling from 1 s with each further one, up to 15 min', () => {
    const locks = Array.from({ length: 16 }, (_, i) => lockMsAfter(i + 1, policy));
    expect(locks).toEqual([0, 0, 0, 0, 1000, 2000, 4000, 8000, 16_000, 32_000, 64_000, 128_000, 256_000, 512_000, 900_000, 900_000]);
    expect(lockMsAfter(10_000, policy)).toBe(900_000);
  });

  it('says Retry-After in whole seconds, at least 1', () => {
    expect(secondsUntil(10_000, 10_000)).toBe(1);
    expect(secondsUntil(11_001, 10_000)).toBe(2);
    expect(secondsUntil(10_000 + 900_000, 10_000)).toBe(900);
  });

  it('frees an address once enough of its last 50 failures are 15 minutes old, and counts nothing older', () => {
    const small = { ...policy, addressFailuresMax: 3 };
    const nowMs = 100 * minuteMs;
    expect(addressFreeAtMs([], nowMs, small)).toBeUndefined();
    expect(addressFreeAtMs([nowMs - 1, nowMs - 2], nowMs, small)).toBeUndefined();
    // Three in the window: free when the oldest of them leaves it.
    expect(addressFreeAtMs([nowMs - 3000, nowMs - 1000, nowMs - 2000], nowMs, small)).toBe(nowMs - 3000 + 15 * minuteMs);
    // Four in the window: two must leave it, so the second oldest decides.
    expect(addressFreeAtMs([nowMs - 4000, nowMs - 3000, nowMs - 2000, nowMs - 1000], nowMs, small)).toBe(nowMs - 3000 + 15 * minuteMs);
    // Failures 15 minutes old or older no longer count.
    expect(addressFreeAtMs([nowMs - 15 * minuteMs, nowMs - 16 * minuteMs, nowMs - 1], nowMs, small)).toBeUndefined();
  });
});
