/**
 * Login's timing oracle, measured: the median of a login with an unknown email against one with a known email and a
 * wrong password, which must stay within 10% of each other (issue 13). The summary and its target are pure, for the
 * unit tests; the measurement calls the API.
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { postJson } from './http';
import { median, round } from './stats';

/** How far apart the two medians may be, as a fraction of the smaller. */
export const loginTimingSpreadMax = 0.1;
/** Wrong passwords per user: one fewer than the 5 consecutive failures that make its logins wait (429). */
export const wrongPasswordsPerUserMax = 4;
const requestTimeoutMs = 30_000;

/** The two medians (ms), how far apart they are, how many of each were measured, and the answers that were not 401. */
export interface LoginTiming {
  unknownEmailP50Ms: number;
  wrongPasswordP50Ms: number;
  /** |unknown − wrong| ÷ the smaller of the two: 0.1 is 10%. */
  spread: number;
  samples: number;
  errors: number;
}

/** Summarizes the latencies of each kind (ms, any order). */
export function summarizeLoginTiming(unknownEmailMs: readonly number[], wrongPasswordMs: readonly number[], errors: number): LoginTiming {
  const unknown = median(unknownEmailMs);
  const wrong = median(wrongPasswordMs);
  return {
    unknownEmailP50Ms: round(unknown),
    wrongPasswordP50Ms: round(wrong),
    spread: round(Math.abs(unknown - wrong) / Math.min(unknown, wrong), 3),
    samples: Math.min(unknownEmailMs.length, wrongPasswordMs.length),
    errors,
  };
}

/** The target row: the two medians within 10% of each other, with no answer but 401 among them. */
export function loginTimingTarget(timing: LoginTiming): { name: string; target: string; measured: string; holds: boolean } {
  return {
    name: 'login p50: unknown email vs wrong password',
    target: `within ${loginTimingSpreadMax * 100}% of each other`,
    measured: `${round(timing.spread * 100)}% (${timing.unknownEmailP50Ms} vs ${timing.wrongPasswordP50Ms} ms, ${timing.samples} each` +
      `${timing.errors > 0 ? `, ${timing.errors} not 401` : ''})`,
    holds: timing.spread <= loginTimingSpreadMax && timing.errors === 0 && timing.samples > 0,
  };
}

/** The users the wrong passwords go to, so that none reaches the failures that lock an email. */
export function usersFor(samples: number): number {
  return Math.ceil(samples / wrongPasswordsPerUserMax);
}

/**
 * Registers the users, then sends `samples` logins of each kind, one at a time and alternating, so both see the same
 * conditions (the login function is warm from the phases before): an unknown email (a fresh one each time), and a registered email with a wrong password.
 */
export async function measureLoginTiming(apiUrl: string, samples: number, onProgress: (fraction: number) => void): Promise<LoginTiming> {
  const password = 'bench-timing-password-0123';
  const emails: string[] = [];
  for (let i = 0; i < usersFor(samples); i += 1) {
    const email = `bench-timing-${randomUUID()}@example.com`;
    const answer = await postJson(`${apiUrl}/api/v1/users/register`, { email, password }, {}, requestTimeoutMs);
    if (answer.status !== 201) throw new Error(`POST /api/v1/users/register answered ${answer.status}: ${answer.body.slice(0, 200)}`);
    emails.push(email);
  }
  const unknownEmailMs: number[] = [];
  const wrongPasswordMs: number[] = [];
  let errors = 0;
  const timed = async (email: string, into: number[]): Promise<void> => {
    const startedMs = performance.now();
    const answer = await postJson(`${apiUrl}/api/v1/users/login`, { email, password: `wrong-${randomUUID()}` }, {}, requestTimeoutMs);
    if (answer.status === 401) into.push(performance.now() - startedMs);
    else errors += 1;
  };
  for (let i = 0; i < samples; i += 1) {
    const unknown = () => timed(`bench-nobody-${randomUUID()}@example.com`, unknownEmailMs);
    const wrong = () => timed(emails[Math.floor(i / wrongPasswordsPerUserMax)]!, wrongPasswordMs);
    // Each kind goes first half the time, so neither always follows the other.
    for (const login of i % 2 === 0 ? [unknown, wrong] : [wrong, unknown]) await login();
    onProgress((i + 1) / samples);
  }
  return summarizeLoginTiming(unknownEmailMs, wrongPasswordMs, errors);
}
