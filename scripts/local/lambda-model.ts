/**
 * The Lambda model: the HTTP API served as Lambda serves it, for `npm start -- --lambda` and `npm test -- --lambda`.
 * Every function is bundled once, as the deploy bundles it; each concurrent request is served by its own warm
 * instance (a process of scripts/local/lambda-instance.mjs) that handles one request at a time; instances are kept
 * and reused while warm, and a new one starts only when every instance of that function is busy. So module state (the
 * group-commit queue, the SDK client, caches) is never shared between two requests in flight, which `serverless
 * offline --useInProcess` cannot show.
 *
 * Run as a script with PORT, DYNAMODB_ENDPOINT and TABLE_NAME set; it prints its readiness line and serves until
 * SIGTERM or SIGINT.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { readDeployConfig } from '../../bench/deploy-config';
import { limits } from '../../lib/limits';
import { routes } from '../../lib/routes';
import type { Route } from '../../lib/routes/route';
import { stageForTable } from './offline';

const root = resolve(__dirname, '../..');
/**
 * Bundles go under node_modules, so that their external packages (argon2) resolve as they do from a function's zip;
 * one folder per model process, so that two models running at once (a test beside `npm start`) keep their own.
 */
const outDir = join(root, 'node_modules', '.cache', 'lambda-model', String(process.pid));
const instanceScript = join(__dirname, 'lambda-instance.mjs');
/** Bodies larger than API Gateway's payload limit are refused before any function sees them. */
const bodyBytesMax = 10 * 1024 * 1024;
/** Instances each function may run at once: a bound on processes, as an account's concurrency limit is. */
const instancesMax = 64;

/** One warm instance: its process, and the invocation it is serving, if any. */
interface Instance {
  child: ChildProcess;
  busy: boolean;
  pending?: { id: string; resolve: (result: APIGatewayProxyStructuredResultV2 | undefined) => void };
}

/** Bundles every declared function once, as the deploy does, and returns each bundle's path by function name. */
async function bundleFunctions(): Promise<Map<string, string>> {
  const deploy = readDeployConfig(join(root, 'serverless.yml'));
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await Promise.all(deploy.functions.map((fn) => build({
    ...deploy.buildOptions,
    entryPoints: { [fn.name]: join(root, fn.entry) },
    outdir: outDir,
    outExtension: { '.js': deploy.extension },
    logLevel: 'silent',
  })));
  return new Map(deploy.functions.map((fn) => [fn.name, join(outDir, `${fn.name}${deploy.extension}`)]));
}

/** The instances of every function, started on demand and reused while warm. */
class Instances {
  private readonly byFunction = new Map<string, Instance[]>();

  constructor(private readonly bundles: Map<string, string>, private readonly env: NodeJS.ProcessEnv, private readonly stage: string) {}

  /** Invokes `functionName` with `event` on a free instance; `undefined` if it failed or timed out (a 502). */
  async invoke(functionName: string, event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2 | undefined> {
    const instance = await this.acquire(functionName);
    const id = randomUUID();
    try {
      return await new Promise((resolveResult) => {
        const timer = setTimeout(() => {
          // A function past its timeout is stopped, as Lambda stops it; the next request gets a fresh instance.
          instance.child.kill('SIGKILL');
          resolveResult(undefined);
        }, limits.functionTimeoutMs + 100);
        instance.pending = { id, resolve: (result) => { clearTimeout(timer); resolveResult(result); } };
        instance.child.send({ id, event });
      });
    } finally {
      instance.pending = undefined;
      instance.busy = false;
    }
  }

  /**
   * A free warm instance of the function, or a new one. A new instance joins the function's list before it is ready,
   * so requests that arrive while it starts see it (busy) and it is reused once it has served its first request.
   */
  private async acquire(functionName: string): Promise<Instance> {
    const list = this.byFunction.get(functionName) ?? [];
    this.byFunction.set(functionName, list);
    // Drop instances that exited or were stopped at their timeout, in place: the list is the one every call shares.
    for (let i = list.length - 1; i >= 0; i -= 1) {
      if (list[i]!.child.exitCode !== null || list[i]!.child.killed) list.splice(i, 1);
    }
    const free = list.find((instance) => !instance.busy);
    if (free) {
      free.busy = true;
      return free;
    }
    if (list.length >= instancesMax) throw new Error(`${functionName} is at its concurrency limit (${instancesMax}).`);
    const { instance, ready } = this.start(functionName);
    list.push(instance);
    await ready;
    return instance;
  }

  /** Starts an instance (busy, for the request that asked for it); `ready` settles once it has loaded its bundle. */
  private start(functionName: string): { instance: Instance; ready: Promise<void> } {
    const lambdaName = `serverless-payments-${this.stage}-${functionName}`;
    const child = fork(instanceScript, [this.bundles.get(functionName)!, lambdaName, String(limits.functionTimeoutMs)], {
      env: { ...this.env, AWS_LAMBDA_FUNCTION_NAME: lambdaName },
      execArgv: [],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const instance: Instance = { child, busy: true };
    // Lambda logs each cold start (INIT_START); so does the model, so a test can count the instances a load started.
    console.log(JSON.stringify({ level: 'info', message: 'cold start', function: functionName }));
    const ready = new Promise<void>((resolveStarted, rejectStarted) => {
      child.on('message', (message: { ready?: true; id?: string; result?: APIGatewayProxyStructuredResultV2; failed?: true }) => {
        if (message.ready) resolveStarted();
        else if (message.id && message.id === instance.pending?.id) instance.pending.resolve(message.failed ? undefined : message.result);
      });
      child.once('exit', (code) => {
        instance.pending?.resolve(undefined);
        rejectStarted(new Error(`An instance of ${functionName} exited as it started (${code}).`));
      });
    });
    return { instance, ready };
  }

  /** Stops every instance. */
  stopAll(): void {
    for (const list of this.byFunction.values()) for (const instance of list) instance.child.kill('SIGTERM');
  }
}

/** The route a request is for, with its path parameters; the catch-all when no other matches. */
function match(method: string, path: string): { route: Route; params: Record<string, string> } | undefined {
  for (const route of routes) {
    if (route.method === '*') continue;
    if (route.method !== method) continue;
    const names: string[] = [];
    const pattern = new RegExp(`^${route.path.replace(/\{(\w+)\}/g, (_, name: string) => { names.push(name); return '([^/]+)'; })}$`);
    const found = pattern.exec(path);
    if (found) return { route, params: Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(found[i + 1]!)])) };
  }
  const catchAll = routes.find((route) => route.method === '*');
  return catchAll && { route: catchAll, params: { proxy: path.slice(1) } };
}

/** The API Gateway (HTTP API, payload 2.0) event of a request. */
function eventOf(request: IncomingMessage, body: string, route: Route, params: Record<string, string>): APIGatewayProxyEventV2 {
  const url = new URL(request.url ?? '/', 'http://localhost');
  // API Gateway joins every repeated header with commas; Node's `headers` would keep only the first Authorization.
  const headers = Object.fromEntries(Object.entries(request.headersDistinct).map(([name, values]) => [name, (values ?? []).join(',')]));
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams) query[name] = query[name] === undefined ? value : `${query[name]},${value}`;
  const routeKey = route.method === '*' ? '$default' : `${route.method} ${route.path}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: url.search ? query : undefined,
    pathParameters: Object.keys(params).length > 0 ? params : undefined,
    requestContext: {
      http: { method: request.method ?? 'GET', path: url.pathname, protocol: 'HTTP/1.1', sourceIp: request.socket.remoteAddress ?? '', userAgent: headers['user-agent'] ?? '' },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
    },
    body: body === '' ? undefined : body,
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
}

/** Serves one HTTP request through the function of its route. */
async function serve(instances: Instances, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of request) {
    bytes += (chunk as Buffer).length;
    if (bytes > bodyBytesMax) return answer(response, 413, { message: 'Request Entity Too Large' });
    chunks.push(chunk as Buffer);
  }
  const url = new URL(request.url ?? '/', 'http://localhost');
  const matched = match(request.method ?? 'GET', url.pathname);
  if (!matched) return answer(response, 404, { message: 'Not Found' });
  // API Gateway's access log, one line a request before the function's own: method, path (no query string), function.
  console.log(JSON.stringify({ level: 'info', message: 'gateway', method: request.method, path: url.pathname, function: matched.route.name }));
  const result = await instances.invoke(matched.route.name, eventOf(request, Buffer.concat(chunks).toString('utf8'), matched.route, matched.params));
  // What API Gateway answers when the function failed or timed out.
  if (!result) return answer(response, 502, { message: 'Internal Server Error' });
  response.writeHead(result.statusCode ?? 200, result.headers as Record<string, string>);
  response.end(result.body ?? '');
}

function answer(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

async function main(): Promise<void> {
  const port = Number(process.env.PORT);
  const stage = stageForTable(process.env.TABLE_NAME ?? '');
  const bundles = await bundleFunctions();
  // What a deployed function's environment holds (serverless.yml), plus credentials DynamoDB Local accepts: the
  // bundles take theirs from the environment only, as Lambda hands them over.
  const env = {
    ...process.env,
    AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID || 'local',
    AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY || 'local',
    AWS_REGION: process.env.AWS_REGION || 'us-east-1',
    IS_OFFLINE: 'true',
  };
  const instances = new Instances(bundles, env, stage);
  const server = createServer((request, response) => {
    serve(instances, request, response).catch((error: unknown) => {
      console.error(JSON.stringify({ level: 'error', message: 'the Lambda model failed a request', error: String(error) }));
      if (!response.headersSent) answer(response, 502, { message: 'Internal Server Error' });
    });
  });
  const stop = () => {
    instances.stopAll();
    rmSync(outDir, { recursive: true, force: true });
    server.close(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  server.listen(port, '127.0.0.1', () => {
    console.log(`Lambda model: each instance serves one request at a time (http://127.0.0.1:${port})`);
  });
}

void main().catch((error: unknown) => {
  console.error(`The Lambda model did not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
