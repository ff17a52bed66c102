import type { AppError } from '../../lib/errors';
import { parseWith } from '../../lib/http/input';
import { amountMinor, currency, idempotencyKey, statementQuery, transferBody } from '../../lib/ledger/schemas';

describe('money at the edge', () => {
  it.each([1, 42, Number.MAX_SAFE_INTEGER])('accepts the integer amount %p', (value) => {
    expect(amountMinor.parse(value)).toBe(value);
  });

  it.each([0, -1, 1.5, 0.1, Number.MAX_SAFE_INTEGER + 1, 2 ** 60, Infinity, NaN, '100', null, undefined, true, [1], { v: 1 }])(
    'refuses the amount %p',
    (value) => {
      expect(amountMinor.safeParse(value).success).toBe(false);
    },
  );

  it.each(['USD', 'EUR', 'JPY', 'KWD'])('accepts the ISO 4217 code %s', (code) => {
    expect(currency.parse(code)).toBe(code);
  });

  it.each(['usd', 'XYZ', 'US', 'USDX', '', 'XAU', 'XTS'])('refuses %p as a currency', (code) => {
    expect(currency.safeParse(code).success).toBe(false);
  });

  it('refuses unknown fields and over-long descriptions in a transfer', () => {
    const base = { fromAccountId: 'a', toAccountId: 'b', amount: 1, currency: 'USD' };
    expect(transferBody.safeParse(base).success).toBe(true);
    expect(transferBody.safeParse({ ...base, extra: 1 }).success).toBe(false);
    expect(transferBody.safeParse({ ...base, description: 'x'.repeat(280) }).success).toBe(true);
    expect(transferBody.safeParse({ ...base, description: 'x'.repeat(281) }).success).toBe(false);
    expect(transferBody.safeParse({ ...base, fromAccountId: 'a/b' }).success).toBe(false);
  });

  it('bounds idempotency keys to 1–255 printable characters', () => {
    expect(idempotencyKey.safeParse('k').success).toBe(true);
    expect(idempotencyKey.safeParse('k'.repeat(255)).success).toBe(true);
    expect(idempotencyKey.safeParse('').success).toBe(false);
    expect(idempotencyKey.safeParse('k'.repeat(256)).success).toBe(false);
    expect(idempotencyKey.safeParse('tab\there').success).toBe(false);
    expect(idempotencyKey.safeParse('naïve').success).toBe(false);
  });

  it('defaults the page size to 20 and bounds it to 1–100', () => {
    expect(statementQuery.parse({})).toEqual({ limit: 20 });
    expect(statementQuery.parse({ limit: '100' }).limit).toBe(100);
    for (const limit of ['0', '101', '-1', '2.5', 'ten', '']) {
      expect(statementQuery.safeParse({ limit }).success).toBe(false);
    }
  });

  // zod/mini loads no locale by itself: without lib/http/zod-locale.ts every message would read "Invalid input".
  it('explains each refused field in English', () => {
    const body = { fromAccountId: 'a/b', amount: 0, currency: 'usd', description: 'x'.repeat(281), extra: 1 };
    let fieldErrors: AppError['fieldErrors'] = [];
    try {
      parseWith(transferBody, body, 'body');
    } catch (error) {
      fieldErrors = (error as AppError).fieldErrors;
    }
    expect(Object.fromEntries(fieldErrors.map((e) => [e.path, e.message]))).toEqual({
      'body.fromAccountId': 'Must be an id issued by this API.',
      'body.toAccountId': 'Invalid input: expected string, received undefined',
      'body.amount': 'Too small: expected number to be >=1',
      'body.currency': expect.stringMatching(/^Invalid option: expected one of "AED"\|/),
      'body.description': 'Too big: expected string to have <=280 characters',
      body: 'Unrecognized key: "extra"',
    });
  });
});
