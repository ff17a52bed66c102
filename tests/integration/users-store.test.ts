import { randomUUID } from 'node:crypto';
import { EmailTakenError, UserNotFoundError } from '../../lib/errors';
import type { UserRecord } from '../../lib/identity/model';
import { findUserByEmail, findUserById, insertUser, updateUser } from '../../lib/storage/users';
import { caught } from '../support/caught';
import { uniqueEmail } from '../support/data';
import { directClient, storedUser } from '../support/dynamo';

const client = directClient();

afterAll(() => client.destroy());

/** A user record as the identity module would build it; the hash is opaque to storage. */
function userRecord(email = uniqueEmail()): UserRecord {
  return { id: randomUUID(), email, name: null, role: 'user', passwordHash: `hash-${randomUUID()}`, disabled: false, sessionGeneration: 0, createdAt: new Date().toISOString() };
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

  it('changes the role alone, or the role and the hash', async () => {
    const user = userRecord();
    await insertUser(user);
    await updateUser(user.id, { role: 'admin' });
    expect(await findUserById(user.id)).toEqual({ ...user, role: 'admin' });
    await updateUser(user.id, { role: 'admin', passwordHash: 'new-hash' });
    expect(await findUserById(user.id)).toEqual({ ...user, role: 'admin', passwordHash: 'new-hash' });
  });

  it('refuses to update a user that does not exist, rather than creating one', async () => {
    const id = randomUUID();
    const error = await caught(updateUser(id, { role: 'admin' }));
    expect(error).toBeInstanceOf(UserNotFoundError);
    expect(error).toMatchObject({ code: 'user_not_found' });
    expect(await storedUser(client, id)).toBeUndefined();
  });
});
