import { randomBytes } from 'node:crypto';

/** A fresh email for one test, so no two tests (or runs) share a user. */
export function uniqueEmail(label = 'user'): string {
  return `${label}-${randomBytes(6).toString('hex')}@example.test`;
}

/** A fresh password within the 12 to 128 character rule, distinctive enough to search a log for. */
export function uniquePassword(): string {
  return `pw-${randomBytes(12).toString('hex')}`;
}
