import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import execa from 'execa';
import { readZip } from './zip';

const invokeTimeoutMs = 30_000;

/**
 * Lays packages out as Lambda does: each zip unpacked into `<simRoot>/task` (Lambda's /var/task). Lambda's runtime
 * also offers an AWS SDK v3 from outside the task directory; the bundles carry their own, so the simulation offers
 * none, and a bundle that still imported the SDK from outside fails here instead of loading the runtime's copy.
 * Everything a bundle imports must come from its own zip.
 */
export function unpackTask(simRoot: string, zips: string[]): string {
  const task = join(simRoot, 'task');
  for (const zip of zips) {
    for (const [name, content] of readZip(zip)) {
      const target = join(task, name);
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, content);
    }
  }
  return task;
}

/**
 * A stand-in for SSM that answers GetParameter with `secret` and records what was asked; `throttled` answers every
 * call as SSM does when it throttles an account instead.
 */
export async function fakeSsm(secret: string, { throttled = false } = {}) {
  const requests: Array<{ target: string; input: { Name?: string; WithDecryption?: boolean } }> = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => { body += chunk.toString(); });
    req.on('end', () => {
      const target = String(req.headers['x-amz-target'] ?? '');
      const input = JSON.parse(body || '{}');
      requests.push({ target, input });
      if (throttled) {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' }));
        return;
      }
      if (target !== 'AmazonSSM.GetParameter') {
        res.writeHead(400, { 'content-type': 'application/x-amz-json-1.1' }).end(JSON.stringify({ __type: 'UnknownOperationException' }));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify({ Parameter: { Name: input.Name, Type: 'SecureString', Value: secret, Version: 1 } }));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/**
 * Runs `script` (an ES module) with Node in `simRoot` and a clean environment plus `env`; resolves with the JSON it
 * prints last. Each script gets its own process, so every handler module starts cold.
 */
export async function runInSim(simRoot: string, script: string, env: Record<string, string>): Promise<any> {
  const file = join(simRoot, 'invoke.mjs');
  writeFileSync(file, script);
  const result = await execa(process.execPath, [file], {
    cwd: simRoot,
    env: { PATH: process.env.PATH ?? '', ...env },
    // A clean environment, as Lambda's: only PATH and what the caller names.
    extendEnv: false,
    stdin: 'ignore',
    stripFinalNewline: false,
    reject: false,
    timeout: invokeTimeoutMs,
  });
  const { stdout, stderr } = result;
  if (result.exitCode !== 0) throw new Error(`the handlers failed (${result.exitCode ?? result.signal}):\n${stdout}\n${stderr}`);
  const last = stdout.trim().split('\n').at(-1) ?? '';
  try {
    return JSON.parse(last);
  } catch {
    throw new Error(`the handlers printed no result:\n${stdout}\n${stderr}`);
  }
}
