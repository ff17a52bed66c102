/**
 * Supervision of the local services (DynamoDB Local, `serverless offline`, `npm start` itself): execa starts and
 * stops each process, wait-on polls it until it answers. What is left here is the wiring every caller shares: the
 * tail of the output kept for error messages, readiness that gives up early when the process dies or a shutdown is
 * asked for, and a stop that escalates from SIGTERM to SIGKILL.
 */
import execa, { type ExecaChildProcess, type Options } from 'execa';
import waitOn from 'wait-on';

/** How much of a service's output is kept to explain a failed start. */
const outputCharsMax = 4000;
/** How long a service may take to stop after SIGTERM before it is killed. */
const stopGraceMs = 5000;
const pollIntervalMs = 200;
const probeTimeoutMs = 5000;

/** A supervised child process. */
export interface Service {
  name: string;
  process: ExecaChildProcess;
  /** Settles when the process has ended, however it ended (it never rejects). */
  exited: Promise<void>;
  running: () => boolean;
  /** The last few thousand characters it printed (empty when its output goes to a file). */
  output: () => string;
  /** SIGTERM, then SIGKILL after a grace period; resolves once it has exited. */
  stop: (graceMs?: number) => Promise<void>;
}

/** Starts `file args` under execa with the defaults every local service shares; see `supervise` for `onOutput`. */
export function start(
  name: string,
  file: string,
  args: string[],
  options: Options & { onOutput?: (chunk: string) => void } = {},
): Service {
  const { onOutput, ...execaOptions } = options;
  // No buffering (the tail below is enough) and no rejection: callers ask `exited` and `running` how it ended.
  const child = execa(file, args, { stdio: ['ignore', 'pipe', 'pipe'], buffer: false, reject: false, ...execaOptions });
  return supervise(name, child, onOutput);
}

/**
 * Wraps a process started by execa: keeps the tail of its output (passing each chunk to `onOutput` as well) and
 * tracks its end. execa's `cleanup` (on by default) also kills it if this process exits first.
 */
export function supervise(name: string, child: ExecaChildProcess, onOutput?: (chunk: string) => void): Service {
  let output = '';
  let ended = false;
  const collect = (chunk: Buffer): void => {
    const text = chunk.toString();
    output = (output + text).slice(-outputCharsMax);
    onOutput?.(text);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = child.then(() => { ended = true; }, () => { ended = true; });
  const stop = async (graceMs = stopGraceMs): Promise<void> => {
    if (!ended) child.kill('SIGTERM', { forceKillAfterTimeout: graceMs });
    await exited;
  };
  return { name, process: child, exited, running: () => !ended, output: () => output, stop };
}

/**
 * Waits until `resource` (a wait-on resource such as `http-get://127.0.0.1:8000/`) answers with any HTTP status, or
 * with one `statusOk` accepts. Gives up at once when the service exits or `shutdown` is aborted; on any failure the
 * service is killed, so a failed start never leaves it behind. `describeExit` says what the service printed, when
 * that is not its output (it printed into a file).
 */
export async function waitUntilReady(
  service: Service,
  resource: string,
  options: { timeoutMs: number; shutdown?: AbortSignal; describeExit?: () => string; statusOk?: (status: number) => boolean },
): Promise<void> {
  const failed = (reason: string): Error => new Error(`${service.name} did not start: ${reason}`);
  const exitedEarly = (): Error => failed(`it exited: ${(options.describeExit?.() ?? service.output()).trim().slice(-500)}`);
  // Once the wait is over, a later exit or shutdown is no longer this function's to report.
  let settled = false;
  const stopped = new Promise<never>((_, reject) => {
    void service.exited.then(() => { if (!settled) reject(exitedEarly()); });
    const onAbort = (): void => { if (!settled) reject(failed('a shutdown was asked for')); };
    options.shutdown?.addEventListener('abort', onAbort, { once: true });
    if (options.shutdown?.aborted) onAbort();
  });
  const answered = waitOn({
    resources: [resource],
    interval: pollIntervalMs,
    httpTimeout: probeTimeoutMs,
    timeout: options.timeoutMs,
    window: 0,
    proxy: false,
    validateStatus: options.statusOk ?? (() => true),
  }).catch((error: unknown) => {
    // wait-on cannot be cancelled: after an early exit it polls on until its timeout, and that end is ignored.
    if (settled) return;
    throw new Error(`${service.name} did not become ready within ${options.timeoutMs} ms: ${String(error)}`);
  });
  try {
    await Promise.race([answered, stopped]);
    // Another program on the port could have answered while this one was still failing to bind it.
    if (!service.running()) throw exitedEarly();
  } catch (error) {
    service.process.kill('SIGKILL');
    throw error;
  } finally {
    settled = true;
  }
}
