import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { readDeployConfig, type DeployConfig } from './deploy-config';
import { median } from './stats';

const root = resolve(__dirname, '..');
/** Inside node_modules so that the bundles' external imports (argon2, the AWS SDK) resolve as they would deployed. */
const outDir = join(root, 'node_modules', '.cache', 'bench-cold-start');
const importTimeoutMs = 20_000;

/** One function's cold start: its bundle as deployed, and how long a fresh Node process takes to import it. */
export interface ColdStart {
  bytes: number;
  /** Median time of `await import(bundle)` inside a fresh process, Node's own start-up excluded. */
  importMs: number;
  /** Median wall time of the whole process (start-up, import, exit), for comparison with `nodeStartupMs`. */
  processMs: number;
  /** Packages left out of the bundle and loaded from node_modules at import. */
  external: string[];
}

/** What the cold-start step measured, and how. */
export interface ColdStartReport {
  functions: Record<string, ColdStart>;
  /** Median wall time of `node -e 0`: what every process pays before any of our code runs. */
  nodeStartupMs: number;
  runs: number;
  method: string;
}

/**
 * Bundles every function as serverless.yml says the deploy does, and times its import in fresh processes started
 * with the deployed NODE_OPTIONS, `runs` times each, round-robin so that background noise is spread over all
 * functions alike. `onTick` gets the fraction done.
 */
export async function measureColdStarts(runs: number, onTick: (fraction: number) => void): Promise<ColdStartReport> {
  const deploy = readDeployConfig(join(root, 'serverless.yml'));
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await build({
    ...deploy.buildOptions,
    entryPoints: Object.fromEntries(deploy.functions.map((fn) => [fn.name, join(root, fn.entry)])),
    outdir: outDir,
    outExtension: { '.js': deploy.extension },
    logLevel: 'silent',
  });
  const bundleOf = (name: string): string => join(outDir, `${name}${deploy.extension}`);
  const startup: number[] = [];
  const samples = new Map(deploy.functions.map((fn) => [fn.name, { importMs: [] as number[], processMs: [] as number[] }]));
  const total = runs * (deploy.functions.length + 1);
  let done = 0;
  for (let run = 0; run < runs; run += 1) {
    startup.push((await timeNode(['-e', '0'], deploy.nodeOptions)).processMs);
    onTick(++done / total);
    for (const fn of deploy.functions) {
      const sample = await timeImport(bundleOf(fn.name), deploy.nodeOptions);
      samples.get(fn.name)!.importMs.push(sample.importMs);
      samples.get(fn.name)!.processMs.push(sample.processMs);
      onTick(++done / total);
    }
  }
  const report: Record<string, ColdStart> = {};
  for (const fn of deploy.functions) {
    const sample = samples.get(fn.name)!;
    report[fn.name] = {
      bytes: statSync(bundleOf(fn.name)).size,
      importMs: median(sample.importMs),
      processMs: median(sample.processMs),
      external: deploy.buildOptions.external ?? [],
    };
  }
  return { functions: report, nodeStartupMs: median(startup), runs, method: describeMethod(deploy, runs) };
}

function describeMethod(deploy: DeployConfig, runs: number): string {
  const { buildOptions: o } = deploy;
  const options = [
    `format ${o.format}`, `target ${String(o.target)}`, o.minify ? 'minified' : 'not minified',
    o.mainFields ? `mainFields ${o.mainFields.join(',')}` : '', `external ${(o.external ?? []).join(' ')}`,
  ].filter(Boolean).join(', ');
  return `Bundled with esbuild from ${deploy.source} (${options}); bytes are the bundle file alone, without its source ` +
    `map. Each bundle is imported in a fresh \`node\` process (NODE_OPTIONS="${deploy.nodeOptions}", as deployed) ${runs} ` +
    `times, round-robin; importMs is the median of performance.now() around \`await import()\` inside the process, so ` +
    `Node's own start-up (nodeStartupMs) is excluded, while external packages (the AWS SDK, argon2) load from ` +
    `node_modules and count, as they load from the runtime in Lambda.`;
}

/** Imports `file` in a fresh Node process and reports the import's own time and the process's wall time. */
async function timeImport(file: string, nodeOptions: string): Promise<{ importMs: number; processMs: number }> {
  const script = [
    `const started = performance.now();`,
    `await import(${JSON.stringify(pathToFileURL(file).href)});`,
    `process.stdout.write(String(performance.now() - started));`,
    `process.exit(0);`,
  ].join(' ');
  const { output, processMs } = await timeNode(['--input-type=module', '-e', script], nodeOptions);
  const importMs = Number(output.trim());
  if (!Number.isFinite(importMs)) throw new Error(`Importing ${file} failed: ${output.slice(0, 500)}`);
  return { importMs, processMs };
}

function timeNode(args: string[], nodeOptions: string): Promise<{ output: string; processMs: number }> {
  return new Promise((done, fail) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      cwd: root,
      // The deployed NODE_OPTIONS and nothing else: not the loader the bench itself runs under.
      env: { ...process.env, NODE_OPTIONS: nodeOptions },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: importTimeoutMs,
    });
    let output = '';
    let errors = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { errors += chunk.toString(); });
    child.once('error', fail);
    child.once('close', (code) => {
      const processMs = performance.now() - started;
      if (code === 0) done({ output, processMs });
      else fail(new Error(`node ${args[0]} exited ${code}: ${(errors || output).slice(0, 500)}`));
    });
  });
}
