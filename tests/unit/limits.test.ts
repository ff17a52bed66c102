import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { limits } from '../../lib/limits';

describe('the time limits', () => {
  it('are the function timeout that serverless.yml deploys', () => {
    const template = readFileSync(join(__dirname, '../../serverless.yml'), 'utf8');
    const provider = template.split(/^provider:$/m)[1]!.split(/^\S/m)[0]!;
    const timeoutSeconds = Number(/^ {2}timeout: (\d+)$/m.exec(provider)?.[1]);
    expect(timeoutSeconds * 1000).toBe(limits.functionTimeoutMs);
  });

  it('fail at load when the retry budget leaves no room for the answer in flight', () => {
    // The module as it is, with one limit changed, compiled and loaded on its own.
    const source = readFileSync(join(__dirname, '../../lib/limits.ts'), 'utf8');
    const broken = source.replace('retryBudgetMs: 7000', 'retryBudgetMs: 9000');
    expect(broken).not.toBe(source);
    const { transformSync } = jest.requireActual<typeof import('@swc/core')>('@swc/core');
    const { code } = transformSync(broken, { jsc: { parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } });
    const load = new Function('exports', 'require', code);
    expect(() => load({}, (id: string) => jest.requireActual(id.replace('./errors', '../../lib/errors')))).toThrow(
      /the retry budget leaves room for the answer in flight/,
    );
  });
});
