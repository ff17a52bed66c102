import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import execa from 'execa';

const root = resolve(__dirname, '../..');
const clientDir = join(root, 'clients/typescript');
const schemaFile = join(clientDir, 'src/schema.d.ts');
/** `scripts/client.ts --check [file]`, in a process of its own: openapi-typescript loads ESM that jest's runtime cannot. */
const check = (...file: string[]) => execa(process.execPath, ['--import', 'tsx', join(root, 'scripts/client.ts'), '--check', ...file], { cwd: root, reject: false });

describe('the typed TypeScript client (clients/typescript)', () => {
  it('holds the types of the current OpenAPI document: run `npm run client:generate` when this fails', async () => {
    const current = await check();
    expect(current.stderr).not.toContain('is stale');
    expect(current.exitCode).toBe(0);
    const dir = mkdtempSync(join(tmpdir(), 'client-stale-'));
    try {
      const stale = join(dir, 'schema.d.ts');
      writeFileSync(stale, readFileSync(schemaFile, 'utf8').replace('"/v1/transfers"', '"/v1/transfer"'));
      expect((await check(stale)).exitCode).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('builds, with its example, against those types, and the built client loads', async () => {
    // Inside the package, so the build resolves openapi-fetch as the package does (ignored by git).
    const outDir = mkdtempSync(join(clientDir, '.build-'));
    try {
      const build = await execa(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', clientDir, '--outDir', outDir], { reject: false });
      expect(build.all ?? `${build.stdout}${build.stderr}`).toBe('');
      expect(build.exitCode).toBe(0);
      const built = require(join(outDir, 'src/index.js')) as { createPaymentsClient: unknown; errorCode: (e: unknown) => string };
      expect(typeof built.createPaymentsClient).toBe('function');
      expect(built.errorCode({ message: 'Too Many Requests' })).toBe('throttled');
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('is shown in its README by the walkthrough the end-to-end suite runs', () => {
    const readme = readFileSync(join(clientDir, 'README.md'), 'utf8');
    const example = readFileSync(join(clientDir, 'examples/walkthrough.ts'), 'utf8');
    expect(readme).toContain(example.trim());
  });
});
