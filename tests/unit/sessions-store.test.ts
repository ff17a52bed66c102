import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { RefreshTokenRecord } from '../../lib/identity/model';
import { rotateRefreshToken } from '../../lib/storage/sessions';

/**
 * How a rotation reads DynamoDB's answers, including the one DynamoDB Local does not give: it serializes
 * transactions, while the real service cancels one that meets another in flight with `TransactionConflict`.
 */
const dynamo = mockClient(DynamoDBDocumentClient);

const spent: RefreshTokenRecord = {
  hash: 'a'.repeat(64), sessionId: 'session-1', userId: 'user-1', spent: false, issuedAt: '2026-01-01T00:00:00.000Z', expiresAt: 2_000_000_000,
};
const next: RefreshTokenRecord = { ...spent, hash: 'b'.repeat(64) };

/** A cancelled rotation with one reason per item: the spent token, its successor, the session. */
function cancelled(...reasons: [string, string, string]): TransactionCanceledException {
  return new TransactionCanceledException({
    message: 'Transaction cancelled', $metadata: {}, CancellationReasons: reasons.map((Code) => ({ Code })),
  });
}

beforeEach(() => dynamo.reset());
afterAll(() => dynamo.restore());

describe('rotateRefreshToken', () => {
  it.each([
    ['the spent token\'s condition failed (another refresh spent it first)', cancelled('ConditionalCheckFailed', 'None', 'None'), 'spent'],
    ['a concurrent refresh of the same token was in flight (TransactionConflict)', cancelled('TransactionConflict', 'None', 'None'), 'spent'],
    ['the session\'s condition failed (revoked)', cancelled('None', 'None', 'ConditionalCheckFailed'), 'revoked'],
  ])('answers the loser of a race when %s', async (_label, error, outcome) => {
    dynamo.on(TransactWriteCommand).rejects(error);
    await expect(rotateRefreshToken(spent, next, '2026-01-01T00:00:01.000Z')).resolves.toBe(outcome);
  });

  it('answers rotated when the transaction commits, spending the old token on condition that it was not spent', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    await expect(rotateRefreshToken(spent, next, '2026-01-01T00:00:01.000Z')).resolves.toBe('rotated');
    const items = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items[0]!.Update).toMatchObject({ ConditionExpression: 'attribute_exists(pk) AND spent = :false' });
    expect(items[1]!.Put!.Item).toMatchObject({ entity: 'refresh_token', hash: next.hash });
    expect(items[2]!.Update).toMatchObject({ ConditionExpression: 'attribute_exists(pk) AND revoked = :false' });
  });
});
