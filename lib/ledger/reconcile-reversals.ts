import type { ScannedTransaction } from './scanned';

/**
 * What is wrong with a transaction's reversals, as `[check, detail]` pairs for the reconciler: its `reversedAmount` is
 * the sum of its reversals' amounts and never more than its own; each reversal it lists reverses it, once; and a
 * reversal is listed by the transaction it reverses.
 */
export function reversalViolations(
  txn: ScannedTransaction,
  transactions: ReadonlyMap<string, ScannedTransaction>,
): Array<[check: string, detail: string]> {
  const found: Array<[string, string]> = [];
  const reversals = txn.reversalIds.map((id) => transactions.get(id));
  const sum = reversals.reduce((total, reversal) => total + (reversal?.amount ?? 0n), 0n);
  if (reversals.some((reversal) => reversal?.reverses !== txn.id) || new Set(txn.reversalIds).size !== txn.reversalIds.length) {
    found.push(['reversal_links', `reversalIds ${txn.reversalIds.join(',')} are not each a reversal of it, once`]);
  }
  if (txn.reversedAmount !== sum || txn.amount === undefined || sum > txn.amount) {
    found.push(['reversed_amount', `reversedAmount ${txn.reversedAmount}, reversals sum to ${sum}, amount ${txn.amount}`]);
  }
  if (txn.reverses !== undefined && !transactions.get(txn.reverses)?.reversalIds.includes(txn.id)) {
    found.push(['reversal_links', `reverses ${txn.reverses}, which does not list it`]);
  }
  return found;
}
