/**
 * IAM, proven from the calls the code really makes. While the whole suite ran, the API recorded every AWS call each
 * function made (DynamoDB's, EventBridge's, and its stream's as the event source mapping makes them), and every time
 * one needed the JWT signing secret (which a deployed function reads from SSM);
 * see lib/storage/call-log.ts. This file runs after the suite (scripts/test.ts) and compares those calls with each
 * function's role in the packaged prod template, both ways: a call the role does not allow would be AccessDenied in
 * AWS; a grant no call used is more privilege than the code needs. There is no hand-kept copy of the role table here.
 */
import { readFileSync, rmSync } from 'node:fs';
import { keptTemplate, packageStage, type PackagedStage } from '../deploy/package';

jest.setTimeout(330_000);

/** A permission: an IAM action on one of the resources the roles name. */
type Grant = `${string} on ${Resource}`;
type Resource = 'table' | 'index' | 'stream' | 'queue' | 'bus' | 'secret' | 'logs' | 'other';

interface RecordedCall {
  functionName: string | null;
  command: string;
  index?: string;
  items?: string[];
}

/** The IAM action each SDK command needs; a document-client command is its low-level command's action. */
const actionOfCommand: Record<string, string> = {
  GetItemCommand: 'dynamodb:GetItem', GetCommand: 'dynamodb:GetItem',
  BatchGetItemCommand: 'dynamodb:BatchGetItem', BatchGetCommand: 'dynamodb:BatchGetItem',
  PutItemCommand: 'dynamodb:PutItem', PutCommand: 'dynamodb:PutItem',
  UpdateItemCommand: 'dynamodb:UpdateItem', UpdateCommand: 'dynamodb:UpdateItem',
  DeleteItemCommand: 'dynamodb:DeleteItem', DeleteCommand: 'dynamodb:DeleteItem',
  QueryCommand: 'dynamodb:Query', ScanCommand: 'dynamodb:Scan',
  GetParameterCommand: 'ssm:GetParameter',
  // Lambda's event source mapping reads the stream with the function's role, and tells the failure queue of a batch it
  // gave up on: npm start's stream reader records those calls as the function's (scripts/local/stream-source.ts).
  ListStreamsCommand: 'dynamodb:ListStreams', DescribeStreamCommand: 'dynamodb:DescribeStream',
  GetShardIteratorCommand: 'dynamodb:GetShardIterator', GetRecordsCommand: 'dynamodb:GetRecords',
  SendMessageCommand: 'sqs:SendMessage',
  PutEventsCommand: 'events:PutEvents',
};

/** The resource each command's action is on, where it is not the table (or its index). */
const resourceOfCommand: Record<string, Resource> = {
  GetParameterCommand: 'secret', ListStreamsCommand: 'stream', DescribeStreamCommand: 'stream', GetShardIteratorCommand: 'stream',
  GetRecordsCommand: 'stream', SendMessageCommand: 'queue', PutEventsCommand: 'bus',
};

/** `TransactWriteItems` and `TransactGetItems` have no permission of their own: each item needs its own action. */
const actionOfTransactItem: Record<string, string> = {
  Put: 'dynamodb:PutItem', Update: 'dynamodb:UpdateItem', Delete: 'dynamodb:DeleteItem', ConditionCheck: 'dynamodb:ConditionCheckItem',
  Get: 'dynamodb:GetItem',
};
const transactCommands = new Set(['TransactWriteItemsCommand', 'TransactWriteCommand', 'TransactGetItemsCommand', 'TransactGetCommand']);

/** What one recorded call needs. */
function grantsOf(call: RecordedCall): Grant[] {
  if (transactCommands.has(call.command)) {
    return (call.items ?? []).map((item) => `${actionOfTransactItem[item] ?? `unknown:${item}`} on table` as Grant);
  }
  const action = actionOfCommand[call.command] ?? `unknown:${call.command}`;
  return [`${action} on ${resourceOfCommand[call.command] ?? (call.index ? 'index' : 'table')}`];
}

/** Which of the roles' resources a statement's `Resource` is. */
function resourceKind(resource: unknown): Resource {
  const text = JSON.stringify(resource);
  if (text.includes('/index/gsi1')) return 'index';
  if (text.includes('StreamArn')) return 'stream';
  if (text.includes('StreamFailureQueue')) return 'queue';
  if (text.includes('EventBus')) return 'bus';
  if (text.includes('PaymentsTable')) return 'table';
  if (text.includes(':parameter')) return 'secret';
  if (text.includes('LogGroup')) return 'logs';
  return 'other';
}

/** Every function of the template (arbitrary JSON), by its name in serverless.yml, with what its role allows. */
function grantsByFunction(template: any): Map<string, Set<Grant>> {
  const resources = template.Resources as Record<string, { Type: string; Properties: any }>;
  const byFunction = new Map<string, Set<Grant>>();
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const name = String(resource.Properties.FunctionName).replace(/^serverless-payments-prod-/, '');
    const roleId = resource.Properties.Role['Fn::GetAtt'][0] as string;
    const grants = new Set<Grant>();
    for (const policy of resources[roleId]!.Properties.Policies) {
      for (const statement of policy.PolicyDocument.Statement) {
        for (const action of [statement.Action].flat()) grants.add(`${action} on ${resourceKind(statement.Resource)}`);
      }
    }
    byFunction.set(name, grants);
  }
  return byFunction;
}

/** Every call the API recorded, by function (offline names them `<service>-<stage>-<function>`). */
function callsByFunction(): Map<string, Set<Grant>> {
  const file = process.env.AWS_CALL_LOG;
  if (!file) throw new Error('AWS_CALL_LOG is not set: run this with `npm test`, which records the calls first.');
  const byFunction = new Map<string, Set<Grant>>();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const call = JSON.parse(line) as RecordedCall;
    if (!call.functionName) continue;
    // Offline names a function `<service>-<stage>-<function>`, and function names hold no hyphen.
    const name = call.functionName.split('-').at(-1)!;
    const grants = byFunction.get(name) ?? new Set<Grant>();
    for (const grant of grantsOf(call)) grants.add(grant);
    byFunction.set(name, grants);
  }
  return byFunction;
}

let packaged: PackagedStage | undefined;
let granted: Map<string, Set<Grant>>;
let used: Map<string, Set<Grant>>;

beforeAll(async () => {
  // The template the suite's template test packaged and checked, or, run on its own, a fresh one.
  let template = keptTemplate('prod');
  if (!template) {
    packaged = await packageStage('prod');
    template = packaged.template;
  }
  granted = grantsByFunction(template);
  used = callsByFunction();
});

afterAll(() => {
  if (packaged) rmSync(packaged.serviceDir, { recursive: true, force: true });
});

test('the suite exercised the functions that call AWS', () => {
  expect([...used.keys()].sort()).toEqual(
    [...granted].filter(([, grants]) => [...grants].some((grant) => !grant.endsWith(' on logs'))).map(([name]) => name).sort(),
  );
});

test('every call a function made is allowed by its role in the packaged template', () => {
  const denied = [...used].flatMap(([name, grants]) =>
    [...grants].filter((grant) => !granted.get(name)?.has(grant)).map((grant) => `${name}: ${grant}`));
  expect(denied).toEqual([]);
});

test('every grant of a role was used by its function (least privilege), logs aside', () => {
  const unused = [...granted].flatMap(([name, grants]) =>
    [...grants].filter((grant) => !grant.endsWith(' on logs') && !used.get(name)?.has(grant)).map((grant) => `${name}: ${grant}`));
  expect(unused).toEqual([]);
});
