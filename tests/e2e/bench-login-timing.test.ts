import { measureLoginTiming } from '../../bench/login-timing';
import { apiUrl } from '../support/env';

/*
 * The bench's login-timing phase against the API under test: every login it sends must answer 401 (none throttled:
 * fresh unknown emails, and at most 4 wrong passwords per user). Its figures are the bench's to judge, not a test's.
 */
describe('the bench\'s login timing phase', () => {
  it('measures both kinds of failed login, each answered 401, none throttled', async () => {
    const fractions: number[] = [];
    const timing = await measureLoginTiming(apiUrl(), 9, (fraction) => fractions.push(fraction));
    expect(timing).toMatchObject({ samples: 9, errors: 0 });
    expect(timing.unknownEmailP50Ms).toBeGreaterThan(0);
    expect(timing.wrongPasswordP50Ms).toBeGreaterThan(0);
    expect(fractions.at(-1)).toBe(1);
  });
});
