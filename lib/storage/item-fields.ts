/**
 * An optional string field of a record as its item holds it (a string, or `null`, or left out): the string, or
 * `null`. Every mapping of an item back to its record reads such fields through this one rule.
 */
export function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
