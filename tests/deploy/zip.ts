import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

/** One file in a zip archive, as its central directory lists it. */
export interface ZipEntry {
  name: string;
  size: number;
  compressedSize: number;
  method: number;
  localHeaderOffset: number;
}

const endOfCentralDirectorySignature = 0x06054b50;
const centralHeaderSignature = 0x02014b50;
const localHeaderSignature = 0x04034b50;
/** The end record sits in the last 22 bytes plus a comment of at most 64 KiB. */
const endRecordSearchBytesMax = 22 + 0xffff;

/**
 * Lists a zip archive from its central directory, with Node alone: CI machines need not have `unzip`. Zip64 archives
 * are refused; a Lambda package is far below their 4 GiB threshold.
 */
export function listZip(path: string): ZipEntry[] {
  const data = readFileSync(path);
  const end = findEndRecord(data);
  const count = data.readUInt16LE(end + 10);
  let offset = data.readUInt32LE(end + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count; i += 1) {
    if (data.readUInt32LE(offset) !== centralHeaderSignature) throw new Error(`${path}: bad central directory entry ${i}`);
    const nameLength = data.readUInt16LE(offset + 28);
    const extraLength = data.readUInt16LE(offset + 30);
    const commentLength = data.readUInt16LE(offset + 32);
    entries.push({
      method: data.readUInt16LE(offset + 10),
      compressedSize: data.readUInt32LE(offset + 20),
      size: data.readUInt32LE(offset + 24),
      localHeaderOffset: data.readUInt32LE(offset + 42),
      name: data.toString('utf8', offset + 46, offset + 46 + nameLength),
    });
    offset += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Every file of a zip archive with its contents (stored or deflated entries only). */
export function readZip(path: string): Map<string, Buffer> {
  const data = readFileSync(path);
  const files = new Map<string, Buffer>();
  for (const entry of listZip(path)) {
    if (entry.name.endsWith('/')) continue;
    const at = entry.localHeaderOffset;
    if (data.readUInt32LE(at) !== localHeaderSignature) throw new Error(`${path}: bad local header for ${entry.name}`);
    const start = at + 30 + data.readUInt16LE(at + 26) + data.readUInt16LE(at + 28);
    const raw = data.subarray(start, start + entry.compressedSize);
    if (entry.method !== 0 && entry.method !== 8) throw new Error(`${path}: ${entry.name} uses compression method ${entry.method}`);
    const content = entry.method === 8 ? inflateRawSync(raw) : Buffer.from(raw);
    if (content.length !== entry.size) throw new Error(`${path}: ${entry.name} inflated to ${content.length} bytes, not ${entry.size}`);
    files.set(entry.name, content);
  }
  return files;
}

function findEndRecord(data: Buffer): number {
  const lowest = Math.max(0, data.length - endRecordSearchBytesMax);
  for (let at = data.length - 22; at >= lowest; at -= 1) {
    if (data.readUInt32LE(at) === endOfCentralDirectorySignature) return at;
  }
  throw new Error('not a zip archive: no end of central directory record');
}
