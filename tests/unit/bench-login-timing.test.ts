import { loginTimingTarget, summarizeLoginTiming, usersFor, wrongPasswordsPerUserMax } from '../../bench/login-timing';

describe('bench: login timing, unknown email vs wrong password', () => {
  it('compares the two medians as a fraction of the smaller', () => {
    expect(summarizeLoginTiming([30, 10, 20], [22, 21, 23, 40], 0)).toEqual({
      unknownEmailP50Ms: 20, wrongPasswordP50Ms: 22.5, spread: 0.125, samples: 3, errors: 0,
    });
    expect(summarizeLoginTiming([22.5], [20], 1)).toMatchObject({ spread: 0.125, errors: 1 });
  });

  it('holds within 10% either way, with every answer a 401', () => {
    const within = summarizeLoginTiming([20], [22], 0);
    expect(loginTimingTarget(within)).toEqual({
      name: 'login p50: unknown email vs wrong password', target: 'within 10% of each other',
      measured: '10% (20 vs 22 ms, 1 each)', holds: true,
    });
    expect(loginTimingTarget(summarizeLoginTiming([22], [20], 0)).holds).toBe(true);
    expect(loginTimingTarget(summarizeLoginTiming([20], [22.3], 0)).holds).toBe(false);
    expect(loginTimingTarget(summarizeLoginTiming([22.3], [20], 0)).holds).toBe(false);
    const refused = loginTimingTarget(summarizeLoginTiming([20], [20], 2));
    expect(refused).toMatchObject({ holds: false, measured: '0% (20 vs 20 ms, 1 each, 2 not 401)' });
    expect(loginTimingTarget(summarizeLoginTiming([], [], 0)).holds).toBe(false);
  });

  it('spreads the wrong passwords over enough users that none reaches 5 failures', () => {
    expect(wrongPasswordsPerUserMax).toBe(4);
    expect([1, 4, 5, 8, 40, 41].map(usersFor)).toEqual([1, 1, 2, 2, 10, 11]);
  });
});
