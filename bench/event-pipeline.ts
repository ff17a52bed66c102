/**
 * What `npm start` runs beside the API, and nothing else: `startSweeper` (scripts/local/sweeper.ts) as
 * scripts/start.ts calls it, which publishes the outbox from the table's stream (the publisher, on npm start's stream
 * reader) and attempts the due deliveries. The bench runs it as a child process of its own (bench/stack.ts), as npm
 * start runs it in a process apart from the API, so its lines go to the stack's log file and not into the report.
 * Once its timers run it creates the file named by READY_FILE, which the bench waits for, and it stops on SIGTERM or
 * when the bench goes away.
 */
import { writeFileSync } from 'node:fs';
import { watchLauncher } from '../scripts/local/lifeline';
import { startSweeper } from '../scripts/local/sweeper';

async function main(): Promise<void> {
  const shutdown = new AbortController();
  const stop = (): void => {
    shutdown.abort();
    // A pass in flight is abandoned: a delivery it claimed is due again when its lease passes, and the run is over.
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(signal, stop);
  watchLauncher(stop);
  // As npm start in process: serverless offline runs the expireHolds schedule itself.
  await startSweeper(shutdown.signal, { sweepHolds: false });
  const readyFile = process.env.READY_FILE;
  if (readyFile) writeFileSync(readyFile, `${process.pid}\n`);
}

if (require.main === module) void main();
