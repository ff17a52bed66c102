/**
 * `npm run reconcile`: reads the whole ledger once and checks that no money was lost, created or posted twice.
 * Against the local table by default (DynamoDB Local on DYNAMODB_PORT, table TABLE_NAME or payments-local);
 * `-- --stage NAME` reads the deployed table payments-NAME with your AWS credentials. Exits 0 when every invariant
 * holds, 1 listing each violation, 2 when it could not run. Run it while the ledger is quiet: a scan is not a snapshot.
 */
import { parseArgs } from 'node:util';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      stage: { type: 'string' },
      table: { type: 'string' },
      endpoint: { type: 'string' },
      segments: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log('usage: npm run reconcile [-- --stage NAME | --table NAME] [--endpoint URL] [--segments N]');
    return 0;
  }
  if (values.stage !== undefined) {
    process.env.TABLE_NAME = values.table ?? `payments-${values.stage}`;
    process.env.DYNAMODB_ENDPOINT = values.endpoint ?? '';
  } else {
    if (values.table !== undefined) process.env.TABLE_NAME = values.table;
    process.env.DYNAMODB_ENDPOINT = values.endpoint
      ?? process.env.DYNAMODB_ENDPOINT
      ?? `http://127.0.0.1:${process.env.DYNAMODB_PORT || 8000}`;
  }
  // An operator's output should be the report; the SDK's notice about future Node versions is not for them.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // Imported only now: the storage client reads its configuration once, when it loads.
  const { config } = await import('../lib/config');
  const { reconcileTable } = await import('../lib/ledger/reconcile');
  const startedMs = Date.now();
  const report = await reconcileTable({ segments: values.segments ? Number(values.segments) : undefined });
  const seconds = ((Date.now() - startedMs) / 1000).toFixed(1);
  console.log(`Reconciled table ${config.tableName} (${config.dynamoEndpoint ?? 'AWS'}) in ${seconds} s`);
  console.log(`  items         ${report.items}`);
  console.log(`  accounts      ${report.accounts}`);
  console.log(`  transactions  ${report.transactions} (${report.entries} entries)`);
  console.log(`  currencies    ${report.currencies.length}${report.currencies.length ? ` (${report.currencies.join(', ')})` : ''}`);
  console.log(`  violations    ${report.violationCount}`);
  for (const violation of report.violations) {
    console.log(`    [${violation.check}] ${violation.subject}: ${violation.detail}`);
  }
  if (report.violationCount > report.violations.length) {
    console.log(`    … and ${report.violationCount - report.violations.length} more`);
  }
  return report.violationCount === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`reconcile: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
