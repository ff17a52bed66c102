import { Buffer } from 'node:buffer';
import type { Caller } from '../../lib/identity/model';
import { postedRecord } from '../../lib/ledger/idempotency';
import type { AccountRecord } from '../../lib/ledger/model';
import { eventItemCount } from '../../lib/storage/events';
import { ledgerWrite, planMovement } from '../../lib/ledger/rules';
import { entriesMax, metadata as metadataSchema, transactionBody } from '../../lib/ledger/schemas';
import { config } from '../../lib/config';
import { transactItems } from '../../lib/storage/ledger-write';

/*
 * The largest transaction the API accepts: 20 entries, 20 metadata keys of 40 characters with values of 500
 * characters of 3 UTF-8 bytes each, a description of 280 such characters, and an idempotency key of 255. It must fit one
 * `TransactWriteItems` (at most 100 items and 4 MB) with no item near DynamoDB's 400 KB, and its body the API's limit.
 */
const admin: Caller = { userId: 'admin-1', role: 'admin', mfa: true };
/** The most UTF-8 bytes a character of a length-bounded string can take: 3 (one UTF-16 unit of the BMP). */
const wide = '\u20AC';

function account(index: number): AccountRecord {
  return {
    id: `acct-${String(index).padStart(59, '0')}`, ownerId: `owner-${index}`, type: 'system', currency: 'USD', name: null,
    status: 'active', metadata: {}, shards: 1, shard: 0, balance: 0, pending: 0, seq: 41, createdAt: '2026-12-06T00:00:00.000Z', updatedAt: '2026-12-06T00:00:00.000Z',
  };
}

function largest() {
  const accounts = Array.from({ length: entriesMax }, (_, index) => account(index));
  const metadata = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${String(i).padStart(39, '0')}`, wide.repeat(500)]));
  const entries = accounts.map((acct, index) => ({
    accountId: acct.id, direction: index === 0 ? 'debit' as const : 'credit' as const, amount: index === 0 ? 19 * 1_000 : 1_000, currency: 'USD' as const,
  }));
  return { accounts, body: { entries, description: wide.repeat(280), metadata } };
}

describe('the largest transaction', () => {
  it('is a body the API accepts, and within the schema', () => {
    const { body } = largest();
    expect(metadataSchema.safeParse(body.metadata).success).toBe(true);
    expect(transactionBody.safeParse(body).success).toBe(true);
    expect(Buffer.byteLength(JSON.stringify(body))).toBeLessThan(config.bodyLimitBytes);
  });

  it('fits one TransactWriteItems, and no item comes near 400 KB', () => {
    const { accounts, body } = largest();
    const minted = { id: 'f'.repeat(36), createdAt: '2026-12-06T00:00:01.000Z', initiatedBy: { userId: admin.userId, role: admin.role, requestId: 'r'.repeat(64), sourceIp: '2001:db8::1' } };
    const plan = planMovement(admin, { kind: 'transaction', ...body, reverses: null }, accounts, minted);
    const idempotency = { ref: { callerId: admin.userId, key: '~'.repeat(255) }, record: postedRecord(plan.transaction, 'h'.repeat(64), 86_400) };
    const { items } = transactItems(ledgerWrite([{ ...plan, idempotency }]));
    // One update per account, the transaction, one entry item per entry, and the key: 42; then its event, a copy for
    // each of the 20 owners and one in the feed: 64 of 100.
    expect(items).toHaveLength(2 * entriesMax + 2 + eventItemCount(entriesMax));
    expect(items.length).toBeLessThanOrEqual(100);
    const sizes = items.map((item) => Buffer.byteLength(JSON.stringify(item)));
    // JSON overstates DynamoDB's item size (quotes, braces), so these are upper bounds.
    expect(Math.max(...sizes)).toBeLessThan(100 * 1024);
    expect(sizes.reduce((sum, size) => sum + size, 0)).toBeLessThan(4 * 1024 * 1024);
  });
});
