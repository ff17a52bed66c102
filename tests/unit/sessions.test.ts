import type { SessionRecord, UserRecord } from '../../lib/identity/model';
import { sessionIsLive } from '../../lib/identity/sessions';

const nowSeconds = () => Math.floor(Date.now() / 1000);
const user: UserRecord = {
  id: 'user-1', email: 'a@example.test', name: null, role: 'user', passwordHash: 'unused', disabled: false,
  sessionGeneration: 2, totp: null, pendingTotpSecret: null, createdAt: '2026-01-01T00:00:00.000Z',
};
const session: SessionRecord = {
  id: 'session-1', userId: 'user-1', userGeneration: 2, mfa: false, revoked: false, createdAt: '2026-01-01T00:00:00.000Z', expiresAt: nowSeconds() + 600,
};

describe('sessionIsLive', () => {
  it('holds for an unrevoked, unexpired session of an enabled user, opened under its generation', () => {
    expect(sessionIsLive(session, user)).toBe(true);
  });

  it('holds for a session opened under a newer generation than an older reading of the user shows', () => {
    expect(sessionIsLive({ ...session, userGeneration: 3 }, user)).toBe(true);
  });

  it.each<[string, SessionRecord | undefined, UserRecord | undefined]>([
    ['no session', undefined, user],
    ['no user', session, undefined],
    ['a revoked session (logout, reuse)', { ...session, revoked: true }, user],
    ['an expired session not yet removed by the TTL', { ...session, expiresAt: nowSeconds() - 1 }, user],
    ['a session from before a password change', { ...session, userGeneration: 1 }, user],
    ['another user\'s session', { ...session, userId: 'user-2' }, user],
    ['a disabled user', session, { ...user, disabled: true }],
  ])('fails for %s', (_label, candidate, owner) => {
    expect(sessionIsLive(candidate, owner)).toBe(false);
  });
});
