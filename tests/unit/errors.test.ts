import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError, errorCatalogue, internalErrorCode, statusOfCode } from '../../lib/errors';

/** The rows of the README's error table, as `[status, code]`. */
function readmeErrorRows(): Array<[number, string]> {
  const readme = readFileSync(join(__dirname, '../../README.md'), 'utf8');
  const table = readme.split('| Status | `code` | When |')[1];
  if (!table) throw new Error('The README has no error table.');
  const rows: Array<[number, string]> = [];
  for (const line of table.split('\n').slice(2)) {
    const match = /^\| (\d{3}) \| `([a-z_]+)` \|/.exec(line);
    if (!match) break;
    rows.push([Number(match[1]), match[2]!]);
  }
  return rows;
}

describe('the error catalogue', () => {
  it('gives every class a unique snake_case code and a 4xx or 503 status', () => {
    const codes = errorCatalogue.map((kind) => kind.code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const kind of errorCatalogue) {
      expect(kind.code).toMatch(/^[a-z]+(_[a-z]+)*$/);
      expect(kind.status === 503 || (kind.status >= 400 && kind.status < 500)).toBe(true);
    }
  });

  it('is what the README error table lists, row for row, with internal_error last', () => {
    const expected = [...errorCatalogue.map((kind): [number, string] => [kind.status, kind.code]), [500, internalErrorCode]];
    expect(readmeErrorRows()).toEqual(expected);
  });

  it('builds instances that carry their class code and status, and a name for the logs', () => {
    const [first] = errorCatalogue;
    const error: AppError = new first('Bad.');
    expect(error).toMatchObject({ code: first.code, status: first.status, name: first.name, message: 'Bad.' });
    expect(statusOfCode('ledger_busy')).toBe(503);
    expect(statusOfCode(internalErrorCode)).toBe(500);
    expect(statusOfCode('no_such_code')).toBeUndefined();
  });
});
