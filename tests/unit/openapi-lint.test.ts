import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import execa from 'execa';
import { openApiDocument } from '../../lib/openapi/document';

const root = resolve(__dirname, '../..');
const bin = (name: string) => join(root, 'node_modules/.bin', name);
// No linter may call home: nothing but the npm registry is reachable, and a test needs no network.
const env = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_UPDATE_NOTIFIER: '1' };

describe('the OpenAPI document, linted by tools nobody here wrote', () => {
  let dir: string;
  let file: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'openapi-lint-'));
    file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(openApiDocument(), null, 2));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('has no error and no warning from redocly lint (recommended, redocly.yaml)', async () => {
    const run = await execa(bin('redocly'), ['lint', file, '--config', join(root, 'redocly.yaml'), '--format', 'json'], { env, reject: false, cwd: root });
    const report = JSON.parse(run.stdout) as { totals: { errors: number; warnings: number }; problems: Array<{ ruleId: string; message: string }> };
    expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    expect(run.exitCode).toBe(0);
  }, 60_000);

  it('has no error and no warning from spectral lint (spectral:oas, .spectral.yaml)', async () => {
    const output = join(dir, 'spectral.json');
    const args = ['lint', file, '--ruleset', join(root, '.spectral.yaml'), '--format', 'json', '--output', output, '--fail-severity', 'hint'];
    const run = await execa(bin('spectral'), args, { env, reject: false, cwd: root });
    const results = JSON.parse(readFileSync(output, 'utf8')) as Array<{ code: string; message: string; path: string[] }>;
    expect(results.map((r) => `${r.code}: ${r.message} (${r.path.join('.')})`)).toEqual([]);
    expect(run.exitCode).toBe(0);
  }, 60_000);

  it('is linted for real: a document without operationIds and servers fails both', async () => {
    const broken = openApiDocument() as { servers?: unknown; paths: Record<string, Record<string, { operationId?: string }>> };
    delete broken.servers;
    for (const byMethod of Object.values(broken.paths)) for (const op of Object.values(byMethod)) delete op.operationId;
    const brokenFile = join(dir, 'broken.json');
    writeFileSync(brokenFile, JSON.stringify(broken));
    const redocly = await execa(bin('redocly'), ['lint', brokenFile, '--config', join(root, 'redocly.yaml'), '--format', 'json'], { env, reject: false, cwd: root });
    const output = join(dir, 'spectral-broken.json');
    await execa(bin('spectral'), ['lint', brokenFile, '--ruleset', join(root, '.spectral.yaml'), '-f', 'json', '-o', output], { env, reject: false, cwd: root });
    expect(redocly.exitCode).not.toBe(0);
    expect((JSON.parse(redocly.stdout) as { problems: Array<{ ruleId: string }> }).problems.map((p) => p.ruleId)).toContain('no-empty-servers');
    expect((JSON.parse(readFileSync(output, 'utf8')) as Array<{ code: string }>).map((r) => r.code)).toEqual(expect.arrayContaining(['oas3-api-servers', 'operation-operationId']));
  }, 60_000);
});
