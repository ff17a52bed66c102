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
  it('gives every class a snake_case code and a 4xx or 503 status, each pair once; only mfa_required has two statuses', () => {
    const pairs = errorCatalogue.map((kind) => `${kind.status} ${kind.code}`);
    expect(new Set(pairs).size).toBe(pairs.length);
    const codes = errorCatalogue.map((kind) => kind.code);
    expect(codes.filter((code, index) => codes.indexOf(code) !== index)).toEqual(['mfa_required']);
    expect(errorCatalogue.filter((kind) => kind.code === 'mfa_required').map((kind) => kind.status)).toEqual([401, 403]);
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
