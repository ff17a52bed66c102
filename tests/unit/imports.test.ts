import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The part of madge's API these tests use (madge ships no types). */
type Madge = (paths: string[], config: Record<string, unknown>) => Promise<{
  obj(): Record<string, string[]>;
  circular(): string[][];
  warnings(): { skipped: string[] };
}>;
const madge: Madge = require('madge');

const root = resolve(__dirname, '../..');
const linesMax = 300;

function sourcesUnder(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => join(dir, file));
}

describe('the sources', () => {
  it('import no module that imports them back, type imports included', async () => {
    const graph = await madge(['lib', 'functions'], { baseDir: root, fileExtensions: ['ts'], tsConfig: join(root, 'tsconfig.json') });
    // Every source is in the graph and every relative import resolved, so an empty or broken graph cannot pass.
    expect(Object.keys(graph.obj()).filter((file) => file.endsWith('.ts')).sort()).toEqual([...sourcesUnder('lib'), ...sourcesUnder('functions')].sort());
    expect(graph.warnings().skipped).toEqual([]);
    expect(graph.circular()).toEqual([]);
  }, 60_000);

  it(`in lib/ are at most ${linesMax} lines each`, () => {
    const lines = (file: string) => readFileSync(join(root, file), 'utf8').trimEnd().split('\n').length;
    expect(sourcesUnder('lib').filter((file) => lines(file) > linesMax)).toEqual([]);
  });
});
