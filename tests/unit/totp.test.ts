import {
  base32Decode, base32Encode, hotp, matchTotp, newTotpSecret, normalizeTotpSecret, otpauthUrl, totpAt, totpNow, totpStepAt,
} from '../../lib/identity/totp';

/** RFC 6238, appendix B: the seeds of each algorithm, and the 8-digit codes at each time (seconds since the epoch). */
const seeds = {
  sha1: Buffer.from('12345678901234567890'),
  sha256: Buffer.from('12345678901234567890123456789012'),
  sha512: Buffer.from('1234567890123456789012345678901234567890123456789012345678901234'),
};
const rfc6238 = [
  [59, { sha1: '94287082', sha256: '46119246', sha512: '90693936' }],
  [1111111109, { sha1: '07081804', sha256: '68084774', sha512: '25091201' }],
  [1111111111, { sha1: '14050471', sha256: '67062674', sha512: '99943326' }],
  [1234567890, { sha1: '89005924', sha256: '91819424', sha512: '93441116' }],
  [2000000000, { sha1: '69279037', sha256: '90698825', sha512: '38618901' }],
  [20000000000, { sha1: '65353130', sha256: '77737706', sha512: '47863826' }],
] as const;

describe('TOTP (RFC 6238)', () => {
  it.each(rfc6238)('gives the RFC test vectors at T = %d s, for SHA1, SHA256 and SHA512', (seconds, codes) => {
    const step = totpStepAt(seconds * 1000);
    for (const algorithm of ['sha1', 'sha256', 'sha512'] as const) {
      expect(hotp(seeds[algorithm], step, 8, algorithm)).toBe(codes[algorithm]);
    }
    // Six digits (what the API uses) are the last six of the eight, and a base32 secret gives the same.
    expect(totpAt(base32Encode(seeds.sha1), step)).toBe(codes.sha1.slice(2));
    expect(totpNow(base32Encode(seeds.sha1), seconds * 1000)).toBe(codes.sha1.slice(2));
  });

  it('gives the HOTP test vectors of RFC 4226, appendix D', () => {
    const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489'];
    expect(expected.map((_, counter) => hotp(seeds.sha1, counter))).toEqual(expected);
  });

  it('encodes and decodes base32 as RFC 4648 does (without padding), forgiving case, spaces and padding', () => {
    const vectors = [['', ''], ['f', 'MY'], ['fo', 'MZXQ'], ['foo', 'MZXW6'], ['foob', 'MZXW6YQ'], ['fooba', 'MZXW6YTB'], ['foobar', 'MZXW6YTBOI']];
    for (const [text, encoded] of vectors) {
      expect(base32Encode(Buffer.from(text!))).toBe(encoded);
      expect(base32Decode(encoded!).toString()).toBe(text);
    }
    expect(base32Decode('mzxw 6ytb oi======').toString()).toBe('foobar');
    expect(() => base32Decode('MZXW1')).toThrow('base32');
  });

  it('makes fresh 160-bit secrets, and normalizes or refuses secrets given to it', () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(secret)).toHaveLength(20);
    expect(newTotpSecret()).not.toBe(secret);
    expect(normalizeTotpSecret('jbsw y3dp ehpk 3pxp')).toBe('JBSWY3DPEHPK3PXP');
    expect(() => normalizeTotpSecret('JBSWY3DP')).toThrow('16 to 64');
    expect(() => normalizeTotpSecret('JBSWY3DPEHPK3PX1')).toThrow('base32');
  });
});

describe('matchTotp', () => {
  const secret = base32Encode(seeds.sha1);
  const nowMs = 1_234_567_890_000;
  const step = totpStepAt(nowMs);

  it('accepts the code of the current step and of one step either side, answering its step', () => {
    for (const offset of [-1, 0, 1]) expect(matchTotp(secret, totpAt(secret, step + offset), nowMs)).toBe(step + offset);
  });

  it('refuses codes two steps away, another secret\'s, and anything that is not six digits', () => {
    expect(matchTotp(secret, totpAt(secret, step - 2), nowMs)).toBeUndefined();
    expect(matchTotp(secret, totpAt(secret, step + 2), nowMs)).toBeUndefined();
    expect(matchTotp(newTotpSecret(), totpAt(secret, step), nowMs)).toBeUndefined();
    const code = totpAt(secret, step);
    for (const wrong of ['', code.slice(0, 5), `${code}0`, `${code} `, '000000'.replace(/./g, (d, i) => String((Number(code[i]) + 1) % 10))]) {
      expect(matchTotp(secret, wrong, nowMs)).toBeUndefined();
    }
  });
});

describe('otpauthUrl', () => {
  it('names the issuer and the account, and says SHA1, 6 digits and 30 s', () => {
    const url = new URL(otpauthUrl('serverless-payments', 'ada@example.com', 'JBSWY3DPEHPK3PXP'));
    expect(url.protocol).toBe('otpauth:');
    expect(url.host).toBe('totp');
    expect(decodeURIComponent(url.pathname)).toBe('/serverless-payments:ada@example.com');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      secret: 'JBSWY3DPEHPK3PXP', issuer: 'serverless-payments', algorithm: 'SHA1', digits: '6', period: '30',
    });
  });
});
