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
 * Spends the time of one verification when the email is unknown, so response time does not tell whether an
 * account exists. The dummy hash is made once per cold start.
 */
export async function verifyAgainstDummy(password: string): Promise<void> {
  dummyHash ??= hashPassword('dummy-password-that-never-matches');
  await verifyPassword(await dummyHash, password);
}
