import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { InvalidCursorError } from './cursor-error';
import { signingKey } from './identity/secret';

/*
 * Page cursors, sealed: AES-256-GCM over the position a list resumes from, with the list and its filters (the scope)
 * as additional authenticated data. A client sees an opaque token; an altered one, one sealed under another key, or
 * one issued for another scope (another account's statement, another range, another owner) fails to open and answers
 * `400 invalid_cursor`. The key is derived (HKDF-SHA256, its own label) from the configured JWT secret, which every
 * listing route already reads to verify its caller (SSM at a deployed stage, the environment under `npm start` and
 * `npm test`): one secret to provision and rotate, and a rotation only sends clients back to a first page.
 */

const versionByte = 1;
const ivBytes = 12;
const tagBytes = 16;
const keyLabel = 'serverless-payments page cursor v1';

let cachedKey: Promise<Buffer> | undefined;

function cursorKey(): Promise<Buffer> {
  cachedKey ??= signingKey().then(
    (secret) => Buffer.from(hkdfSync('sha256', secret, Buffer.alloc(0), keyLabel, 32)),
    (error: unknown) => {
      cachedKey = undefined;
      throw error;
    },
  );
  return cachedKey;
}

/**
 * Seals `position` (what the list resumes after: a key, a sequence number) for one `scope`: a string naming the list
 * and every filter that shapes it, such as `statement:<accountId>:<from>,<to>`. Each call gives a different token.
 */
export async function sealCursor(scope: string, position: string): Promise<string> {
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv('aes-256-gcm', await cursorKey(), iv, { authTagLength: tagBytes });
  cipher.setAAD(Buffer.from(scope, 'utf8'));
  const sealed = Buffer.concat([cipher.update(position, 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.of(versionByte), iv, sealed, cipher.getAuthTag()]).toString('base64url');
}

/**
 * Opens a cursor made by `sealCursor` for the same `scope`, and answers its position; `isValid` checks the position's
 * shape (what the list can resume from). Anything else throws `InvalidCursorError`.
 */
export async function openCursor(scope: string, cursor: string, isValid: (position: string) => boolean = () => true): Promise<string> {
  const raw = Buffer.from(cursor, 'base64url');
  // Base64url decoding skips what it cannot read, so only a token that encodes back to itself is the one we issued.
  if (raw.length < 1 + ivBytes + tagBytes || raw[0] !== versionByte || raw.toString('base64url') !== cursor) {
    throw new InvalidCursorError();
  }
  const decipher = createDecipheriv('aes-256-gcm', await cursorKey(), raw.subarray(1, 1 + ivBytes), { authTagLength: tagBytes });
  decipher.setAAD(Buffer.from(scope, 'utf8'));
  decipher.setAuthTag(raw.subarray(raw.length - tagBytes));
  let position: string;
  try {
    position = Buffer.concat([decipher.update(raw.subarray(1 + ivBytes, raw.length - tagBytes)), decipher.final()]).toString('utf8');
  } catch {
    throw new InvalidCursorError();
  }
  // Sealed by us, so a bad shape means the list changed under it (a hot account's shard count), not an attacker.
  if (!isValid(position)) throw new InvalidCursorError();
  return position;
}
