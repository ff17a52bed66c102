import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { lambdaLoadLabels, lambdaLoads } from './lambda-loads';
import type { BenchResults } from './results';
import { webhookSection } from './webhook-results';

const readmeStart = '<!-- bench:start (written by `npm run bench`; edits inside are overwritten) -->';
const readmeEnd = '<!-- bench:end -->';

/** The results as markdown: the transfer table first, then the hot account, cold start, login and the targets. */
export function markdownReport(results: BenchResults, chartPath: string): string {
  const { machine, run } = results;
  const lines = [
    `Machine: ${machine.cpuCount} CPUs (nproc), ${machine.cpuModel}, ${machine.memoryGiB} GiB RAM, Node ${machine.node}, ` +
      `${machine.os}. Run: \`npm run bench${run.mode === 'quick' ? ' -- --quick' : ''}\` at ${run.startedAt.slice(0, 16).replace('T', ' ')} UTC, ` +
      `${run.durationS} s, 1-minute load average ${run.loadAverage1mAtStart} at the start.`,
    '',
    '**Transfers**: one transfer of 1 minor unit, three ways. raw = its `TransactWriteItems` (6 items, with the ' +
      'idempotency record) sent straight with the SDK; lib = the ledger\'s `transfer()` in the bench process; ' +
      'api = `POST /v1/transfers` with a bearer token and an `Idempotency-Key` over keep-alive HTTP (node:http). Latencies in ms.',
    '',
    '| in flight | raw /s | lib /s | api /s | api÷raw /s | raw p50 / p95 / p99 | lib p50 / p95 / p99 | api p50 / p95 / p99 | api÷raw p99 | errors raw/lib/api | lib requests per transfer |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const [concurrency, row] of Object.entries(results.transfer.concurrency)) {
    const requests = row.libRequestsPerTransfer;
    lines.push(`| ${concurrency} | ${row.rawTps} | ${row.libTps} | ${row.apiTps} | **${row.apiOverRawTps}** | ` +
      `${row.rawP50Ms} / ${row.rawP95Ms} / ${row.rawP99Ms} | ${row.libP50Ms} / ${row.libP95Ms} / ${row.libP99Ms} | ` +
      `${row.apiP50Ms} / ${row.apiP95Ms} / ${row.apiP99Ms} | **${row.apiOverRawP99}** | ` +
      `${row.errors.raw}/${row.errors.lib}/${row.errors.api} | ${requests.reads} reads + ${requests.transactWrites} writes |`);
  }
  lines.push('', ...cpuTable(results));
  const hot = results.hotAccount;
  const serial = results.transfer.concurrency['1'];
  lines.push(
    '',
    `![Throughput and p99 latency by requests in flight, raw vs lib vs api](${chartPath})`,
    '',
    '**A 5-entry transaction, in process** (`POST /v1/transactions` through the ledger: a payer split across four payees), '
      + 'against its own `TransactWriteItems` sent raw, each worker on its own accounts:',
    '',
    '| in flight | raw /s | lib /s | lib ÷ raw | raw p99 ms | lib p99 ms | lib ÷ raw p99 | errors raw/lib | TransactWriteItems per posted |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...Object.entries(results.split ?? {}).map(([concurrency, row]) => `| ${concurrency} | ${row.rawTps} | ${row.libTps} | `
      + `**${row.libOverRawTps}** | ${row.rawP99Ms} | ${row.libP99Ms} | ${row.libOverRawP99} | ${row.errors.raw}/${row.errors.lib} | `
      + `${row.libTransactWritesPerPosted} |`),
    '',
    '**Hot account, in process**: 32 payers in flight through the ledger, each paying its own payee (spread-out) or all paying one merchant account (hot, with 64 balance shards).',
    '',
    '| load | transfers/s | p99 ms | errors | TransactWriteItems per posted transfer | reads per posted transfer |',
    '|---|---:|---:|---:|---:|---:|',
    `| spread-out | ${hot.spreadTps} | ${hot.spreadP99Ms} | ${hot.spreadErrors} | ${hot.spreadAttemptsPerTransfer} | ${hot.spreadReadsPerTransfer} |`,
    `| hot account | ${hot.tps} | ${hot.p99Ms} | ${hot.errors} | ${hot.attemptsPerTransfer} | ${hot.readsPerTransfer} |`,
    '',
    `Within one process, transfers that share an account are group-committed: while a write on the account is in ` +
      `flight the next ones queue, then go out together as one \`TransactWriteItems\` (at most 100 items: one per ` +
      `shard, four per transfer with its key); one process writes a hot account on one shard of its own. Without ` +
      `that, each item serializes on its sequence number and takes at most what one transfer at a time achieves (lib ` +
      `at 1 in flight: ${serial?.libTps ?? 'n/a'}/s), less the writes that lose the race. Across processes, as between ` +
      `Lambda instances, a hot account's shards are what spreads the writes (below).`,
    '',
    ...lambdaTable(results),
    '',
    ...webhookSection([results.webhookHalfRate, results.webhook]),
    '',
    `**Cold start**: each function bundled as deployed, imported in a fresh Node process (median of ${run.mode === 'quick' ? 'a few' : 'several'} runs; ` +
      `Node's own start-up, ${results.nodeStartupMs} ms, not included).`,
    '',
    '| function | bundle KiB | import ms |',
    '|---|---:|---:|',
    ...Object.entries(results.coldStart).map(([name, fn]) => `| ${name} | ${(fn.bytes / 1024).toFixed(1)} | ${fn.importMs} |`),
    '',
    `Method: ${results.coldStartMethod}`,
    '',
    `**Login**: argon2id hash ${results.login.argon2idHashMs} ms, verify ${results.login.argon2idVerifyMs} ms (in process, median); ` +
      `\`POST /api/v1/users/login\` p50 ${Object.entries(results.login.p50Ms).map(([c, ms]) => `${ms} ms at ${c} in flight`).join(', ')} ` +
      `(${Object.entries(results.login.tps).map(([c, tps]) => `${tps}/s at ${c}`).join(', ')}; ${results.login.errors} errors). ` +
      `A 401 at 1 in flight, p50: unknown email ${results.login.timing.unknownEmailP50Ms} ms, wrong password ` +
      `${results.login.timing.wrongPasswordP50Ms} ms (${results.login.timing.samples} of each, alternating, a fresh unknown email each time ` +
      `and at most 4 wrong passwords per user, below the 5 failures that make an email wait).`,
    '',
    '**Targets**',
    '',
    '| target | limit | measured | holds |',
    '|---|---|---|---|',
    ...results.targets.map((t) => `| ${t.name} | ${t.target} | ${t.measured} | ${t.holds ? 'yes' : '**no**'} |`),
  );
  if (results.run.notes.length > 0) lines.push('', ...results.run.notes.map((note) => `- ${note}`));
  return `${lines.join('\n')}\n`;
}

/** The Lambda-model section: each load at each instance count. */
function lambdaTable(results: BenchResults): string[] {
  const errorsOf = (byKind: Record<string, number>, errors: number): string => {
    const kinds = Object.entries(byKind).map(([kind, count]) => `${count} \`${kind}\``);
    return kinds.length === 0 ? String(errors) : `${errors} (${kinds.join(', ')})`;
  };
  const rows = Object.entries(results.lambda).flatMap(([instances, loads]) => lambdaLoads.map((load) => {
    const row = loads[load];
    return `| ${instances} | ${lambdaLoadLabels[load]} | ${row.tps} | ${load === 'spread' ? '1' : `**${row.overSpreadTps}**`} | ` +
      `${row.p50Ms} / ${row.p99Ms} | ${errorsOf(row.errorsByKind, row.errors)} | ${row.transactWritesPerPosted} |`;
  }));
  return [
    '**Lambda model** (`npm start -- --lambda`): the API with each function bundled as deployed, every request in flight ' +
      'served by its own warm instance (a process) that handles one request at a time, so group commit never batches. ' +
      'N instances = N clients each sending one `POST /v1/transfers` at a time, so up to N warm `createTransfer` instances. ' +
      'spread-out: each client pays between its own pair of accounts; hot credit: every client pays one merchant account; ' +
      'hot debit: one system account funds every client\'s payee (as an admin); both hot accounts have 64 balance shards. ' +
      'The hold loads do the same with a hold placed and then captured in full (two requests, `POST /v1/holds` and ' +
      '`POST /v1/holds/{id}/capture`): their rate is of holds captured per second, and their writes are the two ' +
      'functions\' per hold captured. ' +
      'Transfers/s, latencies (ms) and errors are ' +
      'those of the measured window; `TransactWriteItems` per posted transfer counts every call the `createTransfer` ' +
      'instances recorded in `AWS_CALL_LOG` over the whole phase (warm-up and drain included) ÷ the transfers posted in it.',
    '',
    '| instances | load | transfers/s | ÷ spread-out | p50 / p99 | errors | TransactWriteItems per posted transfer |',
    '|---:|---|---:|---:|---:|---|---:|',
    ...rows,
  ];
}

/** Where the CPU went at the highest concurrency: ms per transfer in each process, warm-up included. */
function cpuTable(results: BenchResults): string[] {
  const entries = Object.entries(results.transfer.concurrency);
  const [concurrency, row] = entries.at(-1) ?? [];
  if (!row) return [];
  const cell = (sample: Record<string, number>, name: string): string => (sample[name] === undefined ? '–' : String(sample[name]));
  return [
    `CPU per transfer at ${concurrency} in flight (ms; bench = the load generator, plus the ledger for raw and lib):`,
    '',
    '| mode | bench | DynamoDB Local | API process | total |',
    '|---|---:|---:|---:|---:|',
    ...(['raw', 'lib', 'api'] as const).map((mode) => {
      const sample = row.cpuMsPerTransfer[mode];
      const total = Object.values(sample).reduce((sum, ms) => sum + ms, 0);
      return `| ${mode} | ${cell(sample, 'bench')} | ${cell(sample, 'dynamodb')} | ${cell(sample, 'api')} | ${total.toFixed(2)} |`;
    }),
  ];
}

/**
 * Puts `section` into the README between the bench markers, leaving every other line alone; without the markers it
 * appends a `## Benchmark` section (creating the README if there is none).
 */
export function updateReadme(readmePath: string, section: string): void {
  const block = `${readmeStart}\n${section.trimEnd()}\n${readmeEnd}`;
  const current = existsSync(readmePath) ? readFileSync(readmePath, 'utf8') : '';
  const start = current.indexOf(readmeStart);
  const end = current.indexOf(readmeEnd);
  let next: string;
  if (start >= 0 && end > start) {
    next = current.slice(0, start) + block + current.slice(end + readmeEnd.length);
  } else {
    const intro = [
      '## Benchmark',
      '',
      '`npm run bench` (about 2 minutes; `npm run bench -- --quick` in about 30 s) starts its own DynamoDB Local and API on',
      'free ports and measures what our handlers, validation, auth and idempotency cost on top of DynamoDB\'s own',
      'transaction. It writes `bench/results/latest.json`, `latest.md` and `latest.svg`, and the section below.',
      '',
      '',
    ].join('\n');
    next = `${current.trimEnd()}${current.trim() ? '\n\n' : ''}${intro}${block}\n`;
  }
  writeFileSync(readmePath, next);
}
