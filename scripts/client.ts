/**
 * `npm run client:generate`: writes the typed client's types (clients/typescript/src/schema.d.ts) from the OpenAPI
 * document, with openapi-typescript. `--check [file]` writes nothing and fails when the committed file (or `file`)
 * is stale, as tests/unit/client.test.ts checks.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { openApiDocument } from '../lib/openapi/document';

/** Where the generated types live. */
export const schemaFile = resolve(__dirname, '../clients/typescript/src/schema.d.ts');

const header = '/**\n * Generated from the OpenAPI document by `npm run client:generate` (scripts/client.ts). Do not edit.\n */\n\n';

/** The types openapi-typescript makes of the current document. */
export async function generatedSchema(): Promise<string> {
  const ast = await openapiTS(openApiDocument() as unknown as Parameters<typeof openapiTS>[0]);
  return header + astToString(ast);
}

async function main(): Promise<number> {
  const generated = await generatedSchema();
  const check = process.argv.indexOf('--check');
  if (check >= 0) {
    const file = process.argv[check + 1] ?? schemaFile;
    if (readFileSync(file, 'utf8') === generated) return 0;
    console.error(`${file} is stale: run npm run client:generate.`);
    return 1;
  }
  writeFileSync(schemaFile, generated);
  console.log(`Wrote ${schemaFile}.`);
  return 0;
}

if (require.main === module) void main().then((code) => process.exit(code));
