import { randomUUID } from 'node:crypto';
import { EmailTakenError, UserNotFoundError } from '../../lib/errors';
import type { UserRecord } from '../../lib/identity/model';
import { findUserByEmail, findUserById, insertUser, replacePassword, setUserStanding, updateUser } from '../../lib/storage/users';
import { caught } from '../support/caught';
import { uniqueEmail } from '../support/data';
import { directClient, storedUser } from '../support/dynamo';

const client = directClient();

afterAll(() => client.destroy());

/** A user record as the identity module would build it; the hash is opaque to storage. */
function userRecord(email = uniqueEmail()): UserRecord {
  return { id: randomUUID(), email, name: null, role: 'user', passwordHash: `hash-${randomUUID()}`, disabled: false, sessionGeneration: 0, totp: null, pendingTotpSecret: null, createdAt: new Date().toISOString() };
}

describe('users store', () => {
  it('reads back what it stored, by id and by email', async () => {
    const user = { ...userRecord(), name: 'Grace' };
    await insertUser(user);
    expect(await findUserById(user.id)).toEqual(user);
    expect(await findUserByEmail(user.email)).toEqual(user);
  });

  it('answers undefined for an unknown id or email', async () => {
    expect(await findUserById(randomUUID())).toBeUndefined();
    expect(await findUserByEmail(uniqueEmail('unknown'))).toBeUndefined();
  });

  it('claims each email once: a second user with it is email_taken and leaves no user item behind', async () => {
    const first = userRecord();
    const second = userRecord(first.email);
    await insertUser(first);
    const error = await caught(insertUser(second));
    expect(error).toBeInstanceOf(EmailTakenError);
    expect(error).toMatchObject({ code: 'email_taken' });
    expect(await storedUser(client, second.id)).toBeUndefined();
  });

  it('commits exactly one of five concurrent inserts of one email, and every other one is email_taken', async () => {
    const email = uniqueEmail('store-race');
    const users = Array.from({ length: 5 }, () => userRecord(email));
    const results = await Promise.allSettled(users.map((user) => insertUser(user)));
    const committed = users.filter((_user, index) => results[index]?.status === 'fulfilled');
    expect(committed).toHaveLength(1);
    for (const result of results) {
      if (result.status === 'rejected') expect(result.reason).toBeInstanceOf(EmailTakenError);
    }
    expect((await findUserByEmail(email))?.id).toBe(committed[0]?.id);
  });

  it('changes the role alone, or the role and the hash, which revokes every session (the generation moves on)', async () => {
    const user = userRecord();
    await insertUser(user);
    await updateUser(user.id, { role: 'admin' });
    expect(await findUserById(user.id)).toEqual({ ...user, role: 'admin' });
    await updateUser(user.id, { role: 'admin', passwordHash: 'new-hash' });
    expect(await findUserById(user.id)).toEqual({
      ...user, role: 'admin', passwordHash: 'new-hash', sessionGeneration: user.sessionGeneration + 1,
    });
  });

  it('replaces a password only from the hash it was checked against, moving the session generation on each time', async () => {
    const user = userRecord();
    await insertUser(user);
    expect(await replacePassword(user.id, user.passwordHash, 'hash-2')).toBe(true);
    expect(await findUserById(user.id)).toMatchObject({ passwordHash: 'hash-2', sessionGeneration: 1 });
    // The SDK's retry of a change whose answer was lost meets its own write, and succeeds.
    expect(await replacePassword(user.id, user.passwordHash, 'hash-2')).toBe(true);
    // A change checked against the old password after another change landed is refused.
    expect(await replacePassword(user.id, user.passwordHash, 'hash-3')).toBe(false);
    expect(await findUserById(user.id)).toMatchObject({ passwordHash: 'hash-2', sessionGeneration: 2 });
  });

  it('sets role and disabled, answering the user as stored; disabling moves the session generation on', async () => {
    const user = userRecord();
    await insertUser(user);
    expect(await setUserStanding(user.id, { role: 'admin' })).toEqual({ ...user, role: 'admin' });
    expect(await setUserStanding(user.id, { disabled: true })).toEqual({ ...user, role: 'admin', disabled: true, sessionGeneration: 1 });
    expect(await setUserStanding(user.id, { disabled: false })).toEqual({ ...user, role: 'admin', sessionGeneration: 1 });
    expect(await caught(setUserStanding(randomUUID(), { disabled: true }))).toBeInstanceOf(UserNotFoundError);
  });

  it('refuses to update a user that does not exist, rather than creating one', async () => {
    const id = randomUUID();
    const error = await caught(updateUser(id, { role: 'admin' }));
    expect(error).toBeInstanceOf(UserNotFoundError);
    expect(error).toMatchObject({ code: 'user_not_found' });
    expect(await storedUser(client, id)).toBeUndefined();
  });
});
