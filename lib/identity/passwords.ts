import argon2 from 'argon2';

/**
 * argon2id at OWASP's minimum recommendation (19 MiB, 2 passes, 1 lane): strong enough for stored passwords while a
 * login stays in the tens of milliseconds on a Lambda.
 */
const hashOptions = { type: argon2.argon2id, memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 } as const;

/** Hashes a password for storage. The result embeds its salt and parameters. */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, hashOptions);
}

/** Checks a password against a stored hash; a malformed hash counts as a mismatch. */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Makes the hash an unknown email's password is checked against, once per process. The login handler calls it as it
 * loads (at cold start, before its first request), so no login pays for making it and the first unknown email takes
 * no longer than a wrong password. Not made when this module loads: register imports it too, and needs no dummy.
 */
export function prepareDummyHash(): Promise<string> {
  if (!dummyHash) {
    dummyHash = hashPassword('dummy-password-that-never-matches');
    // A failure is reported by the first verification that awaits it, not as an unhandled rejection now.
    dummyHash.catch(() => undefined);
  }
  return dummyHash;
}

/**
 * Spends the time of one verification when the email is unknown, so response time does not tell whether an
 * account exists: one argon2 verify against a hash of the same parameters as a stored one.
 */
export async function verifyAgainstDummy(password: string): Promise<void> {
  await verifyPassword(await prepareDummyHash(), password);
}
