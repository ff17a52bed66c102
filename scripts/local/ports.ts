import { createServer } from 'node:net';

/** Asks the OS for a free TCP port on loopback. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Fails, naming the setting to change, when something already listens on `port`. Without this check a readiness
 * probe could be answered by that other program (say, a DynamoDB Local from another checkout).
 */
export function requirePortFree(port: number, setting: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', (error: NodeJS.ErrnoException) => {
      const reason = error.code === 'EADDRINUSE' ? 'is in use' : `cannot be opened (${error.code ?? error.message})`;
      reject(new Error(`Port ${port} ${reason}; stop what holds it or choose another with ${setting}=<port>.`));
    });
    // The wildcard address, as DynamoDB Local binds it, conflicts with a listener on any interface.
    server.listen(port, () => server.close(() => resolve()));
  });
}

/** Reads a port from the environment, or the fallback. */
export function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const port = raw ? Number(raw) : fallback;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name} must be a TCP port, not "${raw}".`);
  return port;
}

/**
 * Polls `probe` until it succeeds or `timeoutMs` passes. `failed` is asked before every attempt: when it names an
 * error (the process being waited for has exited, or a shutdown was asked for) there is no point in waiting on.
 */
export async function waitFor(
  what: string,
  probe: () => Promise<unknown>,
  timeoutMs: number,
  failed: () => Error | undefined = () => undefined,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    const fatal = failed();
    if (fatal) throw new Error(`${what} did not start: ${fatal.message}`);
    try {
      await probe();
      return;
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  throw new Error(`${what} did not become ready within ${timeoutMs} ms: ${String(lastError)}`);
}
