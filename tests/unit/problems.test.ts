import { errorCatalogue, internalErrorCode } from '../../lib/errors';
import { problemGuide } from '../../lib/problems/guide';
import { problemPage } from '../../lib/problems/page';

const codes = [...new Set([...errorCatalogue.map((kind) => kind.code), internalErrorCode])];

describe('the problem pages', () => {
  it('describe every code the API answers, and no other', () => {
    expect(Object.keys(problemGuide).sort()).toEqual([...codes].sort());
    for (const code of codes) {
      expect(problemGuide[code]!.means).toMatch(/^[A-Z`].{10,}\.$/s);
      expect(problemGuide[code]!.todo).toMatch(/^[A-Z`].{5,}\.$/s);
    }
  });

  it('answer a page naming the code, its statuses, what it means and what to do', () => {
    const page = problemPage('mfa_required')!;
    expect(page).toContain('<h1><code>mfa_required</code></h1>');
    expect(page).toContain('401 Unauthorized, 403 Forbidden');
    expect(page).toContain('What it means');
    expect(page).toContain('What to do');
    expect(problemPage('validation_failed')).toContain('<code>errors</code>');
    expect(problemPage(internalErrorCode)).toContain('500 Internal Server Error');
  });

  it('answer no page for a code the API never answers', () => {
    for (const code of ['nope', 'constructor', 'toString', '__proto__']) expect(problemPage(code)).toBeUndefined();
  });
});
