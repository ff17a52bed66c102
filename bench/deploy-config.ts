import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import type { BuildOptions } from 'esbuild';
import { parse } from 'yaml';

/** What the cold-start step needs from serverless.yml: the functions, how each is bundled, and its NODE_OPTIONS. */
export interface DeployConfig {
  functions: Array<{ name: string; entry: string }>;
  buildOptions: BuildOptions;
  /** The bundle's file extension (`.mjs` for ESM). */
  extension: string;
  /** provider.environment.NODE_OPTIONS, which a deployed function starts with (for instance --enable-source-maps). */
  nodeOptions: string;
  /** Where the options came from, in words, for the results. */
  source: string;
}

interface ServerlessYml {
  provider?: { runtime?: string; environment?: Record<string, unknown> };
  custom?: { esbuild?: Record<string, unknown> };
}

/** The esbuild options serverless-esbuild passes through unchanged. */
const passThrough = ['bundle', 'minify', 'keepNames', 'sourcemap', 'sourcesContent', 'format', 'platform', 'mainFields', 'banner', 'footer', 'define', 'treeShaking', 'splitting', 'legalComments', 'conditions'] as const;

/**
 * Reads the deploy's configuration: the function list from the route declarations (lib/routes/), and `custom.esbuild` mapped to esbuild's options
 * (serverless-esbuild's `exclude` becomes `external`, the target comes from the runtime, and `plugins`, a file that
 * exports esbuild plugins, is loaded as serverless-esbuild loads it). serverless.yml uses no Serverless variables in
 * these sections, so a plain YAML parser reads them as the framework does.
 */
export function readDeployConfig(serverlessYmlPath: string): DeployConfig {
  const doc = parse(readFileSync(serverlessYmlPath, 'utf8')) as ServerlessYml;
  const functions = declaredFunctions(dirname(serverlessYmlPath)).map(({ name, handler }) => ({ name, entry: `${handler.slice(0, handler.lastIndexOf('.'))}.ts` }));
  if (functions.length === 0) throw new Error('lib/routes declares no routes.');
  const esbuild = doc.custom?.esbuild;
  if (!esbuild) throw new Error('serverless.yml has no custom.esbuild: the bench bundles the functions as the deploy does, so it needs one.');
  const runtime = /^nodejs(\d+)\.x$/.exec(doc.provider?.runtime ?? '');
  const buildOptions: BuildOptions = {
    target: typeof esbuild.target === 'string' ? esbuild.target : `node${runtime?.[1] ?? '22'}`,
    external: [...asList(esbuild.exclude), ...asList(esbuild.external)].filter((name) => name !== '*'),
  };
  if (typeof esbuild.plugins === 'string') {
    buildOptions.plugins = createRequire(__filename)(resolve(dirname(serverlessYmlPath), esbuild.plugins)) as BuildOptions['plugins'];
  }
  for (const key of passThrough) {
    if (esbuild[key] !== undefined) (buildOptions as Record<string, unknown>)[key] = esbuild[key];
  }
  const nodeOptions = doc.provider?.environment?.NODE_OPTIONS;
  return {
    functions,
    buildOptions,
    extension: typeof esbuild.outputFileExtension === 'string' ? esbuild.outputFileExtension : '.js',
    nodeOptions: typeof nodeOptions === 'string' ? nodeOptions : '',
    source: 'serverless.yml custom.esbuild',
  };
}

/**
 * serverless.yml makes its functions from the route declarations (lib/routes/), so the bench takes them from there
 * too, read in a child process: loading lib/ here would read its configuration (lib/config.ts) before the bench has
 * set the environment it runs the ledger in.
 */
function declaredFunctions(root: string): Array<{ name: string; handler: string }> {
  const script = "console.log(JSON.stringify(require('./lib/routes').routes.map(({ name, handler }) => ({ name, handler }))))";
  return JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, encoding: 'utf8' })) as Array<{ name: string; handler: string }>;
}

function asList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' ? [value] : [];
}
