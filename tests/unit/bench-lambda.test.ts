import { countTransactWrites } from '../../bench/call-log';
import type { LambdaPhase } from '../../bench/lambda-loads';
import { errorKind } from '../../bench/load';
import { lambdaRows, lambdaTargets } from '../../bench/results';

describe('counting TransactWriteItems in the call log', () => {
  const line = (functionName: string | null, command: string) => JSON.stringify({ functionName, command, items: ['Update'] });

  it('counts only the named function\'s TransactWriteItems calls, whatever its service and stage', () => {
    const log = [
      line('serverless-payments-local-createTransfer', 'TransactWriteItemsCommand'),
      line('serverless-payments-local-createTransfer', 'BatchGetItemCommand'),
      line('serverless-payments-local-createTransfer', 'TransactWriteItemsCommand'),
      line('serverless-payments-local-register', 'TransactWriteItemsCommand'),
      line(null, 'TransactWriteItemsCommand'),
      line('serverless-payments-prod-createTransfer', 'TransactWriteItemsCommand'),
    ].join('\n');
    expect(countTransactWrites(`${log}\n`, ['createTransfer'])).toBe(3);
    expect(countTransactWrites(log, ['register'])).toBe(1);
    expect(countTransactWrites(log, ['login'])).toBe(0);
    expect(countTransactWrites(log, ['createTransfer', 'register'])).toBe(4);
  });

  it('skips a line cut short and a line that is not JSON', () => {
    const whole = line('svc-local-createTransfer', 'TransactWriteItemsCommand');
    const log = `{not json}\n${whole}\n${whole.slice(0, 20)}`;
    expect(countTransactWrites(log, ['createTransfer'])).toBe(1);
    expect(countTransactWrites('', ['createTransfer'])).toBe(0);
  });
});

describe('error kinds', () => {
  it('takes a driver\'s kind first, then the class name', () => {
    expect(errorKind(Object.assign(new Error('x'), { kind: '503 ledger_busy' }))).toBe('503 ledger_busy');
    expect(errorKind(new RangeError('x'))).toBe('RangeError');
    expect(errorKind('a string')).toBe('unknown');
    expect(errorKind(null)).toBe('unknown');
  });
});

describe('Lambda-model rows', () => {
  const phase = (tps: number, extra: Partial<LambdaPhase> = {}): LambdaPhase => ({
    count: tps, errors: 0, tps, p50Ms: 10.04, p95Ms: 20, p99Ms: 30.06, maxMs: 40, failures: [], errorsByKind: {},
    operationsTotal: tps, operationsSucceeded: tps, transactWrites: tps, transactWritesPerPosted: 1, ...extra,
  });

  it('divides each load\'s throughput by spread-out\'s and keeps its errors by kind', () => {
    const rows = lambdaRows({
      spread: phase(100),
      hotCredit: phase(37, { errors: 2, errorsByKind: { '503 ledger_busy': 2 }, transactWritesPerPosted: 3.456 }),
      hotDebit: phase(12),
      holdCredit: phase(20, { transactWritesPerPosted: 2 }),
      holdDebit: phase(25),
    });
    expect(rows.spread.overSpreadTps).toBe(1);
    expect(rows.hotCredit).toEqual({
      tps: 37, p50Ms: 10, p99Ms: 30.1, errors: 2, errorsByKind: { '503 ledger_busy': 2 }, transactWritesPerPosted: 3.46, overSpreadTps: 0.37,
    });
    expect(rows.hotDebit.overSpreadTps).toBe(0.12);
    expect(rows.holdCredit).toMatchObject({ overSpreadTps: 0.2, transactWritesPerPosted: 2 });
  });

  it('judges the hot loads at the most instances measured: throughput, errors, writes per transfer and p99', () => {
    const atEight = lambdaRows({ spread: phase(100), hotCredit: phase(10), hotDebit: phase(10), holdCredit: phase(10), holdDebit: phase(10) });
    const atThirtyTwo = lambdaRows({
      spread: phase(100),
      hotCredit: phase(85, { p99Ms: 59, transactWritesPerPosted: 1.2 }),
      hotDebit: phase(79, { errors: 1, p99Ms: 61, transactWritesPerPosted: 1.6 }),
      holdCredit: phase(40),
      holdDebit: phase(40),
    });
    const checks = lambdaTargets({ 8: atEight, 32: atThirtyTwo });
    expect(checks.map((check) => [check.name, check.holds])).toEqual([
      ['Lambda model ×32: hot credit ÷ spread-out throughput', true],
      ['Lambda model ×32: hot credit errors', true],
      ['Lambda model ×32: hot credit TransactWriteItems per posted transfer', true],
      ['Lambda model ×32: hot credit p99 ÷ spread-out p99', true],
      ['Lambda model ×32: hot debit ÷ spread-out throughput', false],
      ['Lambda model ×32: hot debit errors', false],
      ['Lambda model ×32: hot debit TransactWriteItems per posted transfer', false],
      ['Lambda model ×32: hot debit p99 ÷ spread-out p99', false],
    ]);
    expect(lambdaTargets({})).toEqual([]);
  });
});
