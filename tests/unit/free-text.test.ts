import { registerBody } from '../../lib/identity/schemas';
import { createAccountBody, transferBody } from '../../lib/ledger/schemas';

/** Every free-text field of every request schema, with a valid body around it. */
const fields = [
  { field: 'register name', parse: (text: string) => registerBody.safeParse({ email: 'ada@example.com', password: 'p'.repeat(12), name: text }), read: (v: any) => v.name },
  { field: 'account name', parse: (text: string) => createAccountBody.safeParse({ currency: 'USD', name: text }), read: (v: any) => v.name },
  {
    field: 'transfer description',
    parse: (text: string) => transferBody.safeParse({ fromAccountId: 'a', toAccountId: 'b', amount: 1, currency: 'USD', description: text }),
    read: (v: any) => v.description,
  },
];

const refused = [
  ['NUL', 'a\u0000b'], ['LF', 'a\nb'], ['CR', 'a\rb'], ['TAB', 'a\tb'], ['a trailing LF', 'Rent\n'], ['a leading TAB', '\tRent'],
  ['DEL', 'a\u007Fb'], ['C1 NEL', 'a\u0085b'], ['C1 CSI', 'a\u009Bb'],
  ['RLO', 'invoice\u202Egpj.exe'], ['LRE', '\u202Aa'], ['PDF', 'a\u202C'], ['LRI', 'a\u2066b'], ['PDI', 'a\u2069b'],
  ['LRM', 'a\u200Eb'], ['RLM', 'a\u200Fb'], ['ALM', 'a\u061Cb'],
  ['a leading BOM', '\uFEFFRent'], ['a trailing BOM', 'Rent\uFEFF'], ['ZWSP', 'Re\u200Bnt'], ['ZWJ', 'a\u200Db'], ['soft hyphen', 'a\u00ADb'],
  ['LINE SEPARATOR', 'a\u2028b'],
] as const;

describe.each(fields)('the $field', ({ parse, read }) => {
  it.each(refused)('refuses %s', (_name, text) => {
    const result = parse(text);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toMatch(/control, format or bidirectional/);
  });

  it('is NFC-normalized and trimmed, then measured', () => {
    const decomposed = '  Cafe\u0301 Zoe\u0308  ';
    const result = parse(decomposed);
    expect(result.success).toBe(true);
    expect(read(result.data)).toBe('Caf\u00E9 Zo\u00EB');
    // 100 decomposed letters are 200 code units, and 100 once composed.
    expect(parse('e\u0301'.repeat(100)).success).toBe(true);
    expect(read(parse('  ordinary text, with emoji 👍 and العربية  ').data)).toBe('ordinary text, with emoji 👍 and العربية');
  });
});
