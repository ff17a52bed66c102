import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import execa from 'execa';

const root = resolve(__dirname, '../..');
/** What `serverless package` reads: the service definition, its deploy helpers and the sources it bundles. */
const serviceFiles = ['serverless.yml', 'package.json', 'tsconfig.json', 'deploy', 'lib', 'functions'];
/**
 * Packaging runs at the lowest priority, so its time is whatever the machine leaves it: with 21 functions, on a shared
 * 2-core machine where other suites ran too, it passed 300 s.
 */
const packageTimeoutMs = 540_000;
/** The lowest CPU priority: packaging yields to the tests that run beside it, whose timing it must not upset. */
const backgroundPriority = 19;

/** A packaged stage: its directory of zips and the CloudFormation template it would deploy. */
export interface PackagedStage {
  stage: string;
  /** The copy of the service it was packaged from; remove it when done. */
  serviceDir: string;
  dir: string;
  // The template is arbitrary JSON that the tests walk.
  template: any;
}

/** A copy of the service in a fresh directory, sharing node_modules, as a clone with `npm ci` done would be. */
export function copyService(): string {
  const dir = mkdtempSync(join(tmpdir(), 'payments-package-'));
  for (const file of serviceFiles) cpSync(join(root, file), join(dir, file), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

/**
 * The environment packaging runs in: no AWS credentials or profile at all, and every AWS endpoint pointed at a port
 * where nothing listens, so a packaging step that reached for AWS would fail here instead of passing quietly.
 */
function offlineEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    AWS_ACCESS_KEY_ID: '',
    AWS_SECRET_ACCESS_KEY: '',
    AWS_CONFIG_FILE: join(home, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    // esbuild would otherwise spread over every core at once.
    GOMAXPROCS: '1',
  };
}

/** Runs `serverless package` for `stage` in `serviceDir`; resolves with its exit code and output. */
export async function runPackage(serviceDir: string, stage: string, outDir: string): Promise<{ code: number; output: string }> {
  const home = join(serviceDir, '.home');
  mkdirSync(home, { recursive: true });
  const child = execa(process.execPath, [join(root, 'node_modules/serverless/bin/serverless.js'), 'package', '--stage', stage, '--package', outDir], {
    cwd: serviceDir,
    env: offlineEnv(home),
    // Only the variables above: nothing of this process's environment (its AWS settings least of all) leaks in.
    extendEnv: false,
    stdin: 'ignore',
    all: true,
    reject: false,
    timeout: packageTimeoutMs,
  });
  if (child.pid !== undefined) setPriority(child.pid, backgroundPriority);
  const result = await child;
  const output = result.all ?? '';
  return { code: result.exitCode ?? 1, output: result.signal ? `${output}\n(ended by ${result.signal})` : output };
}

/**
 * Where a run keeps the templates it packaged (PACKAGED_TEMPLATES_DIR, set by `npm test`), so that the checks run
 * after the suite read the very template the suite checked instead of packaging again.
 */
export function keepTemplate(stage: PackagedStage): void {
  const dir = process.env.PACKAGED_TEMPLATES_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${stage.stage}.json`), JSON.stringify(stage.template));
}

/** The template `keepTemplate` kept for `stage` in this run, or `undefined`. */
export function keptTemplate(stage: string): any {
  const dir = process.env.PACKAGED_TEMPLATES_DIR;
  const file = dir && join(dir, `${stage}.json`);
  return file && existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined;
}

/**
 * Packages `stage` from its own copy of the service. osls and serverless-esbuild stage their work in the service's
 * `.serverless` and `.esbuild`, so two packagings in one directory would take each other's files.
 */
export async function packageStage(stage: string): Promise<PackagedStage> {
  const serviceDir = copyService();
  const dir = join(serviceDir, 'out');
  const { code, output } = await runPackage(serviceDir, stage, dir);
  if (code !== 0) {
    rmSync(serviceDir, { recursive: true, force: true });
    throw new Error(`serverless package --stage ${stage} failed (${code}):\n${output}`);
  }
  const template = JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8'));
  return { stage, serviceDir, dir, template };
}
