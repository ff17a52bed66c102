import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import type { BuildOptions } from 'esbuild';

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
  functions?: Record<string, { handler?: string }>;
}

/**
 * Used only while serverless.yml has no `custom.esbuild`: ESM for the function runtime, argon2 (a native module) left
 * external, as serverless-esbuild would be told to.
 */
const fallbackEsbuild: Record<string, unknown> = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  outputFileExtension: '.mjs',
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  exclude: ['argon2'],
};

/** The esbuild options serverless-esbuild passes through unchanged. */
const passThrough = ['bundle', 'minify', 'keepNames', 'sourcemap', 'sourcesContent', 'format', 'platform', 'mainFields', 'banner', 'footer', 'define', 'treeShaking', 'splitting', 'legalComments', 'conditions'] as const;

/**
 * Reads serverless.yml the way the deploy does: the function list, and `custom.esbuild` mapped to esbuild's options
 * (serverless-esbuild's `exclude` becomes `external`, the target comes from the runtime, and `plugins`, a file that
 * exports esbuild plugins, is loaded as serverless-esbuild loads it). The YAML parser is the one the Serverless
 * Framework itself depends on, so the bench adds no dependency.
 */
export function readDeployConfig(serverlessYmlPath: string): DeployConfig {
  const requireFromServerless = createRequire(require.resolve('serverless/package.json'));
  const yaml = requireFromServerless('js-yaml') as { load: (text: string) => unknown };
  const doc = yaml.load(readFileSync(serverlessYmlPath, 'utf8')) as ServerlessYml;
  const functions = Object.entries(doc.functions ?? {}).map(([name, fn]) => {
    const handler = fn.handler ?? '';
    return { name, entry: `${handler.slice(0, handler.lastIndexOf('.'))}.ts` };
  });
  if (functions.length === 0) throw new Error('serverless.yml lists no functions.');
  const declared = doc.custom?.esbuild;
  const esbuild: Record<string, unknown> = declared ?? fallbackEsbuild;
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
    source: declared ? 'serverless.yml custom.esbuild' : 'the default ESM options (serverless.yml has no custom.esbuild yet)',
  };
}

function asList(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' ? [value] : [];
}
