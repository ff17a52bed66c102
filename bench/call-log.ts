import { closeSync, openSync, readSync, statSync } from 'node:fs';

/**
 * Reads what the API's functions recorded in `AWS_CALL_LOG` (lib/storage/call-log.ts: one JSON line per DynamoDB
 * call, written before the call is sent, so each line is one attempt the function made, whatever its outcome).
 * Every instance of the Lambda model appends to the same file, which is how calls are counted across instances.
 */

/** One recorded call, as lib/storage/call-log.ts writes it. */
interface RecordedCall {
  functionName?: string | null;
  command?: string;
}

/** No phase writes more than this much log; a runaway file must not be read into memory whole. */
const sliceBytesMax = 64 * 1024 * 1024;

/**
 * How many `TransactWriteItems` calls function `functionName` made in `text` (JSON lines). The model names a
 * function `<service>-<stage>-<function>`, and function names hold no hyphen, so the last part is compared. A line
 * cut short (the file read while an instance writes) is not counted.
 */
export function countTransactWrites(text: string, functionNames: readonly string[]): number {
  let count = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith('{') || !line.endsWith('}')) continue;
    let call: RecordedCall;
    try {
      call = JSON.parse(line) as RecordedCall;
    } catch {
      continue;
    }
    if (call.command !== 'TransactWriteItemsCommand' || !call.functionName) continue;
    if (functionNames.includes(call.functionName.split('-').at(-1)!)) count += 1;
  }
  return count;
}

/** The log's size now: where the next phase's lines begin. */
export function logOffset(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/** The text appended to `file` since byte `from`. */
export function readSince(file: string, from: number): string {
  const size = logOffset(file);
  const length = Math.min(size - from, sliceBytesMax);
  if (length <= 0) return '';
  const buffer = Buffer.alloc(length);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, length, from);
  } finally {
    closeSync(fd);
  }
  return buffer.toString('utf8');
}
