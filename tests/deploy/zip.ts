import AdmZip from 'adm-zip';

/** One file in a zip archive, as its central directory lists it. */
export interface ZipEntry {
  name: string;
  size: number;
  compressedSize: number;
  method: number;
  localHeaderOffset: number;
}

/**
 * Lists a zip archive from its central directory with adm-zip (Zip64 included), so CI machines need not have
 * `unzip`. adm-zip reads synchronously, as the template tests call it.
 */
export function listZip(path: string): ZipEntry[] {
  return new AdmZip(path).getEntries().map((entry) => ({
    name: entry.entryName,
    size: entry.header.size,
    compressedSize: entry.header.compressedSize,
    method: entry.header.method,
    localHeaderOffset: entry.header.offset,
  }));
}

/** Every file of a zip archive with its contents; adm-zip checks each file's CRC as it inflates it. */
export function readZip(path: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const entry of new AdmZip(path).getEntries()) {
    if (entry.isDirectory) continue;
    const content = entry.getData();
    if (content.length !== entry.header.size) throw new Error(`${path}: ${entry.entryName} inflated to ${content.length} bytes, not ${entry.header.size}`);
    files.set(entry.entryName, content);
  }
  return files;
}
