process.env.JWT_SECRET ??= 'unit-test-secret-0123456789-abcdefghijklmnop';

import { openCursor, sealCursor } from '../../lib/cursor';

const scope = 'statement:acc-1:,';

async function refusal(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => 'opened', (error: unknown) => error);
}

const invalidCursor = expect.objectContaining({ code: 'invalid_cursor', status: 400 });

describe('sealed page cursors', () => {
  it('open to the position they were sealed with, for the scope they were sealed for', async () => {
    const cursor = await sealCursor(scope, 's12.7');
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(await openCursor(scope, cursor)).toBe('s12.7');
  });

  it('show nothing of the position, and differ each time', async () => {
    const [one, two] = [await sealCursor(scope, 'ACCOUNT#2024-01-01#abc'), await sealCursor(scope, 'ACCOUNT#2024-01-01#abc')];
    expect(one).not.toBe(two);
    expect(Buffer.from(one, 'base64url').toString('latin1')).not.toContain('ACCOUNT');
  });

  it('refuse a cursor of another scope: another account, range or list', async () => {
    const cursor = await sealCursor(scope, '12');
    for (const other of ['statement:acc-2:,', 'statement:acc-1:1,', 'accounts:acc-1', 'users']) {
      expect(await refusal(openCursor(other, cursor))).toEqual(invalidCursor);
    }
  });

  it('refuse any altered byte, a truncation, an addition and anything not sealed here', async () => {
    const cursor = await sealCursor(scope, '12');
    const raw = Buffer.from(cursor, 'base64url');
    const altered: string[] = [];
    for (let i = 0; i < raw.length; i += 1) {
      const copy = Buffer.from(raw);
      copy[i]! ^= 0x01;
      altered.push(copy.toString('base64url'));
    }
    const forged = [
      ...altered, cursor.slice(0, -1), `${cursor}A`, `${cursor}=`, `${cursor}.`, 'bogus', '',
      Buffer.from('v1:12').toString('base64url'), Buffer.alloc(40).toString('base64url'),
    ];
    for (const token of forged) {
      expect([token, await refusal(openCursor(scope, token))]).toEqual([token, invalidCursor]);
    }
  });

  it('refuse a position the list cannot resume from', async () => {
    const cursor = await sealCursor(scope, 'not-a-number');
    expect(await refusal(openCursor(scope, cursor, (position) => /^\d+$/.test(position)))).toEqual(invalidCursor);
  });
});
