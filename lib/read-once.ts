/**
 * A read memoized for one unit of work (a publisher's batch, a delivery pass): the first call for a key reads, and
 * the calls after it share that read. A read that failed is not kept: the next call for its key reads again.
 */
export function readOnce<K, V>(read: (key: K) => Promise<V>, keyOf: (key: K) => string = String): (key: K) => Promise<V> {
  const reads = new Map<string, Promise<V>>();
  return (key) => {
    const id = keyOf(key);
    let value = reads.get(id);
    if (!value) {
      value = read(key);
      value.catch(() => reads.delete(id));
      reads.set(id, value);
    }
    return value;
  };
}
