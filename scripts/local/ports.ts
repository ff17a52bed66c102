import getPort from 'get-port';

/**
 * A free TCP port on loopback, from get-port. get-port also holds each port it hands out for a while, so two calls
 * in one process never answer the same port even before either is bound.
 */
export function freePort(): Promise<number> {
  return getPort({ host: '127.0.0.1' });
}

/**
 * Fails, naming the setting to change, when something already listens on `port`. Without this check a readiness
 * probe could be answered by that other program (say, a DynamoDB Local from another checkout).
 */
export async function requirePortFree(port: number, setting: string): Promise<void> {
  // With no host, get-port binds the wildcard address, as DynamoDB Local does, which conflicts with a listener on
  // any interface. It answers another port when the one asked for is taken or cannot be opened.
  if (await getPort({ port }) !== port) {
    throw new Error(`Port ${port} is in use or cannot be opened; stop what holds it or choose another with ${setting}=<port>.`);
  }
}

/** Reads a port from the environment, or the fallback. */
export function portFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const port = raw ? Number(raw) : fallback;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`${name} must be a TCP port, not "${raw}".`);
  return port;
}
