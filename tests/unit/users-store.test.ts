import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { EmailTakenError, RegistrationBusyError } from '../../lib/errors';
import type { UserRecord } from '../../lib/identity/model';
import { insertUser } from '../../lib/storage/users';
import { caught } from '../support/caught';

/**
 * How DynamoDB answers the races that DynamoDB Local does not reproduce: it serializes transactions, while the real
 * service cancels one that meets another in flight on the same item.
 */
const dynamo = mockClient(DynamoDBDocumentClient);

const user: UserRecord = {
  id: 'user-1',
  email: 'race@example.test',
  name: null,
  role: 'user',
  passwordHash: 'hash',
  disabled: false,
  sessionGeneration: 0,
  totp: null,
  pendingTotpSecret: null,
  createdAt: '2026-01-01T00:00:00.000Z',
};

/** A cancelled transaction with one reason per item: the user item, then the email claim. */
function cancelled(userReason: string, emailReason: string): TransactionCanceledException {
  return new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: [{ Code: userReason }, { Code: emailReason }],
  });
}

beforeEach(() => dynamo.reset());
afterAll(() => dynamo.restore());

describe('insertUser against a contended email', () => {
  it('retries a TransactionConflict and commits when the other registration did not', async () => {
    dynamo.on(TransactWriteCommand).rejectsOnce(cancelled('None', 'TransactionConflict')).resolves({});
    await insertUser(user);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });

  it('retries a TransactionConflict and answers email_taken when the other registration committed', async () => {
    dynamo.on(TransactWriteCommand)
      .rejectsOnce(cancelled('None', 'TransactionConflict'))
      .rejectsOnce(cancelled('None', 'ConditionalCheckFailed'));
    const error = await caught(insertUser(user));
    expect(error).toBeInstanceOf(EmailTakenError);
    expect(error).toMatchObject({ code: 'email_taken' });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(2);
  });

  it('gives up after a bounded number of attempts with a 503 the caller may retry', async () => {
    dynamo.on(TransactWriteCommand).rejects(cancelled('None', 'TransactionConflict'));
    const error = await caught(insertUser(user));
    expect(error).toBeInstanceOf(RegistrationBusyError);
    expect(error).toMatchObject({ status: 503, code: 'registration_busy' });
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(5);
  });

  it('passes any other failure on at once, unretried', async () => {
    const failure = cancelled('ConditionalCheckFailed', 'None');
    dynamo.on(TransactWriteCommand).rejects(failure);
    expect(await caught(insertUser(user))).toBe(failure);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('writes the user item and the email claim, each only if new', async () => {
    dynamo.on(TransactWriteCommand).resolves({});
    await insertUser(user);
    const items = dynamo.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items.map((item) => [item.Put?.Item?.pk, item.Put?.ConditionExpression])).toEqual([
      ['USER#user-1', 'attribute_not_exists(pk)'],
      ['EMAIL#race@example.test', 'attribute_not_exists(pk)'],
    ]);
  });
});
