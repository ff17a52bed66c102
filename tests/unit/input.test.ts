import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { config } from '../../lib/config';
import { AppError, MalformedJsonError, PayloadTooLargeError, ValidationError } from '../../lib/errors';
import { header, parseWith, readJsonBody, validationError } from '../../lib/http/input';

function eventWith(fields: Partial<APIGatewayProxyEventV2>): APIGatewayProxyEventV2 {
  return { headers: {}, isBase64Encoded: false, ...fields } as APIGatewayProxyEventV2;
}

/** A JSON string document of exactly `bytes` bytes. */
function jsonOfBytes(bytes: number): string {
  return JSON.stringify('x'.repeat(bytes - 2));
}

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

describe('readJsonBody', () => {
  it('reads a missing or empty body as undefined', () => {
    expect(readJsonBody(eventWith({}))).toBeUndefined();
    expect(readJsonBody(eventWith({ body: '' }))).toBeUndefined();
  });

  it('parses JSON, plain or base64-encoded', () => {
    expect(readJsonBody(eventWith({ body: '{"a":[1,"b"]}' }))).toEqual({ a: [1, 'b'] });
    const encoded = Buffer.from('{"a":1}').toString('base64');
    expect(readJsonBody(eventWith({ body: encoded, isBase64Encoded: true }))).toEqual({ a: 1 });
  });

  it.each(['{"email":', 'not json', '{"a":1}}', "{'a':1}", '{"__proto__":{"role":"admin"}}', '{"m":{"__proto__":"x"}}'])('refuses %p as malformed JSON (400)', (body) => {
    const error = thrownBy(() => readJsonBody(eventWith({ body })));
    expect(error).toBeInstanceOf(MalformedJsonError);
    expect(error).toMatchObject({ status: 400, code: 'malformed_json' });
  });

  it('accepts a body of exactly the limit and refuses one byte more (413)', () => {
    expect(config.bodyLimitBytes).toBe(64 * 1024);
    expect(readJsonBody(eventWith({ body: jsonOfBytes(config.bodyLimitBytes) }))).toHaveLength(config.bodyLimitBytes - 2);
    const error = thrownBy(() => readJsonBody(eventWith({ body: jsonOfBytes(config.bodyLimitBytes + 1) })));
    expect(error).toBeInstanceOf(PayloadTooLargeError);
    expect(error).toMatchObject({ status: 413, code: 'payload_too_large' });
  });

  it('counts bytes, not characters, against the limit', () => {
    const body = JSON.stringify('é'.repeat(config.bodyLimitBytes / 2));
    expect(body.length).toBeLessThan(config.bodyLimitBytes);
    expect(thrownBy(() => readJsonBody(eventWith({ body })))).toBeInstanceOf(PayloadTooLargeError);
  });
});

describe('parseWith', () => {
  const schema = z.strictObject({ email: z.string().check(z.trim(), z.toLowerCase()), items: z.array(z.object({ n: z.number() })) });

  it('returns the parsed, transformed value', () => {
    expect(parseWith(schema, { email: ' A@B.C ', items: [{ n: 1 }] }, 'body')).toEqual({ email: 'a@b.c', items: [{ n: 1 }] });
  });

  it('throws a ValidationError naming every bad field by its path in the request', () => {
    const error = thrownBy(() => parseWith(schema, { email: 5, items: [{ n: 'one' }], extra: true }, 'body'));
    expect(error).toBeInstanceOf(ValidationError);
    const { status, code, message, fieldErrors } = error as AppError;
    expect({ status, code, message }).toEqual({ status: 400, code: 'validation_failed', message: 'The request body is invalid.' });
    expect(fieldErrors.map((e) => e.path).sort()).toEqual(['body', 'body.email', 'body.items.0.n']);
    expect(fieldErrors.every((e) => e.message.length > 0)).toBe(true);
  });

  it('names the part of the request that failed', () => {
    const error = validationError(z.object({ id: z.uuid() }).safeParse({ id: 'x' }).error!, 'path');
    expect(error.message).toBe('The request path is invalid.');
    expect(error.fieldErrors[0]?.path).toBe('path.id');
  });
});

describe('header', () => {
  it('finds a header whatever its case', () => {
    const event = eventWith({ headers: { Authorization: 'Bearer abc', 'x-other': '1' } });
    expect(header(event, 'authorization')).toBe('Bearer abc');
    expect(header(event, 'X-OTHER')).toBe('1');
  });

  it('answers undefined for a header that is absent, or when there are no headers at all', () => {
    expect(header(eventWith({ headers: { a: '1' } }), 'authorization')).toBeUndefined();
    expect(header(eventWith({ headers: undefined as unknown as Record<string, string> }), 'authorization')).toBeUndefined();
  });
});
