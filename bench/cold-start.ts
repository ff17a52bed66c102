import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import execa from 'execa';
import { readDeployConfig, type DeployConfig } from './deploy-config';
import { median } from './stats';

const root = resolve(__dirname, '..');
/** Inside node_modules so that the bundles' external imports (argon2) resolve as they would from a deployed zip. */
const outDir = join(root, 'node_modules', '.cache', 'bench-cold-start');
const importTimeoutMs = 20_000;

/** One function's cold start: its bundle as deployed, and how long a fresh Node process takes to import it. */
export interface ColdStart {
  /** The bundle and the chunks it imports statically: the code its import parses, without source maps. */
  bytes: number;
  /** Chunks the bundle imports only when first used (the SSM client), not counted in `bytes`. */
  onDemandBytes: number;
  /** Median time of `await import(bundle)` inside a fresh process, Node's own start-up excluded. */
  importMs: number;
  /** Median wall time of the whole process (start-up, import, exit), for comparison with `nodeStartupMs`. */
  processMs: number;
  /** Packages left out of the bundle and loaded from node_modules at import (in Lambda, from the function's zip). */
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
  // One build per function, as serverless-esbuild does, so that each bundle's chunks are its own.
  const metafiles = new Map(await Promise.all(deploy.functions.map(async (fn) => {
    const { metafile } = await build({
      ...deploy.buildOptions,
      entryPoints: { [fn.name]: join(root, fn.entry) },
      outdir: outDir,
      outExtension: { '.js': deploy.extension },
      metafile: true,
      logLevel: 'silent',
    });
    return [fn.name, metafile] as const;
  })));
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
      ...sizes(metafiles.get(fn.name)!, bundleOf(fn.name)),
      importMs: median(sample.importMs),
      processMs: median(sample.processMs),
      external: deploy.buildOptions.external ?? [],
    };
  }
  return { functions: report, nodeStartupMs: median(startup), runs, method: describeMethod(deploy, runs) };
}

/** The bytes of a bundle and its static imports, and of the chunks it loads only on demand. */
function sizes(metafile: Metafile, bundle: string): { bytes: number; onDemandBytes: number } {
  const outputs = new Map(Object.entries(metafile.outputs).map(([file, output]) => [resolve(root, file), output]));
  const loaded = new Set<string>();
  const visit = (file: string): void => {
    if (loaded.has(file)) return;
    loaded.add(file);
    for (const next of outputs.get(file)?.imports ?? []) {
      if (next.kind === 'import-statement' && !next.external) visit(resolve(root, next.path));
    }
  };
  visit(bundle);
  let bytes = 0;
  let onDemandBytes = 0;
  for (const [file, output] of outputs) {
    if (file.endsWith('.map')) continue;
    if (loaded.has(file)) bytes += output.bytes;
    else onDemandBytes += output.bytes;
  }
  return { bytes, onDemandBytes };
}

function describeMethod(deploy: DeployConfig, runs: number): string {
  const { buildOptions: o } = deploy;
  const external = o.external ?? [];
  const options = [
    `format ${o.format}`, `target ${String(o.target)}`, o.minify ? 'minified' : 'not minified', o.splitting ? 'split' : '',
    o.mainFields ? `mainFields ${o.mainFields.join(',')}` : '', `external ${external.join(' ') || 'none'}`,
    o.plugins?.length ? `plugins ${o.plugins.map((p) => p.name).join(', ')}` : '',
  ].filter(Boolean).join(', ');
  const nodeOptions = deploy.nodeOptions ? `NODE_OPTIONS="${deploy.nodeOptions}"` : 'no NODE_OPTIONS';
  return `Bundled one function at a time with esbuild from ${deploy.source} (${options}), so the AWS SDK clients a ` +
    `function uses are inside its bundle or its chunks; bytes are the bundle and the chunks it imports statically, ` +
    `without source maps, and leave out the chunks it imports on first use (the SSM client that reads the JWT ` +
    `secret). Each bundle is imported in a fresh \`node\` process (${nodeOptions}, as deployed) ${runs} times, ` +
    `round-robin; importMs is the median of performance.now() around \`await import()\` inside the process, so ` +
    `Node's own start-up (nodeStartupMs) is excluded, and so is the first request, which loads those chunks. ` +
    `External packages (${external.join(', ') || 'none'}) load from node_modules and count, as they load from the ` +
    `function's zip in Lambda.`;
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

/** Runs `node <args>` with the deployed NODE_OPTIONS; resolves with what it printed and its wall time. */
async function timeNode(args: string[], nodeOptions: string): Promise<{ output: string; processMs: number }> {
  const started = performance.now();
  const result = await execa(process.execPath, args, {
    cwd: root,
    // The deployed NODE_OPTIONS and nothing else: not the loader the bench itself runs under.
    env: { NODE_OPTIONS: nodeOptions },
    stdin: 'ignore',
    stripFinalNewline: false,
    reject: false,
    timeout: importTimeoutMs,
  });
  const processMs = performance.now() - started;
  if (result.exitCode === 0) return { output: result.stdout, processMs };
  throw new Error(`node ${args[0]} exited ${result.exitCode ?? result.signal}: ${(result.stderr || result.stdout).slice(0, 500)}`);
}
