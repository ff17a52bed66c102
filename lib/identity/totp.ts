import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/*
 * Time-based one-time passwords (RFC 6238 over RFC 4226's HOTP), pure and with node:crypto only: HMAC-SHA1, 30 s
 * steps counted from the epoch, 6 digits, as every authenticator app reads an `otpauth://totp` URL by default.
 */

/** The length of a time step, in seconds. */
export const totpStepSeconds = 30;
/** How many digits a code has. */
export const totpDigits = 6;
/** Steps either side of the current one whose code is still accepted: a clock a little off, a code typed late. */
export const totpWindowSteps = 1;
/** 20 random bytes (160 bits), the length RFC 4226 recommends for HMAC-SHA1: 32 base32 characters. */
const secretBytes = 20;
/** A base32 secret of 16 to 64 characters (80 to 320 bits): shorter is guessable, longer is no authenticator's. */
export const totpSecretPattern = /^[A-Z2-7]{16,64}$/;

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Encodes bytes as RFC 4648 base32, upper case, without padding (as otpauth URLs carry secrets). */
export function base32Encode(bytes: Uint8Array): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(value << (5 - bits)) & 31];
  return out;
}

/**
 * Decodes RFC 4648 base32; case, spaces and padding are forgiven, as people copy secrets from screens. Any other
 * character is an error.
 */
export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of clean) {
    const index = alphabet.indexOf(char);
    if (index < 0) throw new Error('A TOTP secret is base32: A-Z and 2-7.');
    value = ((value << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** Normalizes a base32 secret as it is stored: upper case, no spaces or padding. Throws on one that is not base32. */
export function normalizeTotpSecret(text: string): string {
  const clean = text.replace(/[\s=]/g, '').toUpperCase();
  if (!totpSecretPattern.test(clean)) throw new Error('A TOTP secret is 16 to 64 base32 characters (A-Z, 2-7).');
  return clean;
}

/** A fresh random secret, base32. */
export function newTotpSecret(): string {
  return base32Encode(randomBytes(secretBytes));
}

/** The time step a moment falls in. */
export function totpStepAt(nowMs: number): number {
  return Math.floor(nowMs / 1000 / totpStepSeconds);
}

/** RFC 4226's HOTP of `counter` under the (raw) key, with `digits` digits and dynamic truncation. */
export function hotp(key: Uint8Array, counter: number, digits = totpDigits, algorithm: 'sha1' | 'sha256' | 'sha512' = 'sha1'): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, key).update(message).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

/** The code of a base32 secret at a time step. */
export function totpAt(secret: string, step: number): string {
  return hotp(base32Decode(secret), step);
}

/**
 * The time step whose code `code` is, within `totpWindowSteps` of the step of `nowMs`, or `undefined`. Every step of
 * the window is computed and compared in constant time, so the answer takes as long whichever (if any) matched.
 */
export function matchTotp(secret: string, code: string, nowMs: number): number | undefined {
  const key = base32Decode(secret);
  const presented = Buffer.from(code.padEnd(totpDigits, ' ').slice(0, totpDigits), 'utf8');
  const current = totpStepAt(nowMs);
  let matched: number | undefined;
  for (let step = current - totpWindowSteps; step <= current + totpWindowSteps; step += 1) {
    const equal = timingSafeEqual(Buffer.from(hotp(key, step), 'utf8'), presented);
    // The latest matching step: a replay check against it refuses every earlier code too.
    if (equal && code.length === totpDigits) matched = step;
  }
  return matched;
}

/**
 * The `otpauth://totp` URL an authenticator app reads (often from a QR code): the label names the issuer and the
 * account, and the parameters say what this module computes (SHA1, 6 digits, 30 s).
 */
export function otpauthUrl(issuer: string, accountName: string, secret: string): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(accountName)}`;
  const params = new URLSearchParams({
    secret, issuer, algorithm: 'SHA1', digits: String(totpDigits), period: String(totpStepSeconds),
  });
  return `otpauth://totp/${label}?${params.toString()}`;
}

/** The code of a base32 secret now (or at `nowMs`): what an authenticator app shows. */
export function totpNow(secret: string, nowMs = Date.now()): string {
  return totpAt(secret, totpStepAt(nowMs));
}
