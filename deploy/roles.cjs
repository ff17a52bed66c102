'use strict';

const { declaredJobs, declaredRoutes, normalizedName } = require('./routes.cjs');

/**
 * One IAM role per function, each allowed only what that function's code does. `serverless.yml` places them all as
 * resources with `${file(./deploy/roles.cjs)}`, each named `<Function>Role` (deploy/functions.cjs points the function
 * at its role with `role:`).
 *
 * What a function may do is its route declaration's `access` (lib/routes/), read off `lib/storage/*.ts`: a `GetCommand`
 * needs `dynamodb:GetItem`, a `BatchGetCommand` `dynamodb:BatchGetItem`, a `QueryCommand` `dynamodb:Query` (on
 * `/index/gsi1` when it names that index), and a `TransactWriteCommand` needs the action of each item it holds (its
 * `Put` items `dynamodb:PutItem`, its `Update` items `dynamodb:UpdateItem`): DynamoDB has no separate transaction
 * permission. Change a handler's storage calls and its declaration's `access` must change with it. Every route with
 * `auth`, and every one whose `access` says it signs tokens, reads the JWT signing secret. A job on the table's stream
 * (lib/jobs/) may read that stream and send to the failure queue (what its event source mapping does with its role),
 * and one whose `access` says it puts events may put them on the stage's bus.
 * `tests/deploy/template.test.ts` checks the generated template against the declarations.
 */

const tableArn = { 'Fn::GetAtt': ['PaymentsTable', 'Arn'] };
const indexArn = { 'Fn::Sub': '${PaymentsTable.Arn}/index/gsi1' };
const streamArn = { 'Fn::GetAtt': ['PaymentsTable', 'StreamArn'] };
const failureQueueArn = { 'Fn::GetAtt': ['StreamFailureQueue', 'Arn'] };
const eventBusArn = { 'Fn::GetAtt': ['EventBus', 'Arn'] };
/** What a stream's event source mapping needs of the function's role (the AWS Lambda developer guide lists them). */
const streamActions = ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'];

/** The logical id osls gives a function's log group: `createAccount` → `CreateAccountLogGroup`. */
function logGroupLogicalId(functionName) {
  return `${normalizedName(functionName)}LogGroup`;
}

/** The statements of one function's policy. */
function statements(functionName, rules, secret) {
  const list = [
    {
      // The log group's Arn attribute ends in `:*`: the streams of this function's own group, nothing else.
      Sid: 'OwnLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: { 'Fn::GetAtt': [logGroupLogicalId(functionName), 'Arn'] },
    },
  ];
  if (rules.table?.length) {
    list.push({ Sid: 'Table', Effect: 'Allow', Action: rules.table.map((a) => `dynamodb:${a}`), Resource: tableArn });
  }
  if (rules.index?.length) {
    list.push({ Sid: 'OwnerIndex', Effect: 'Allow', Action: rules.index.map((a) => `dynamodb:${a}`), Resource: indexArn });
  }
  if (rules.stream) {
    // What Lambda's event source mapping does with the function's role: read the table's stream, and record a batch
    // it gives up on in the failure queue.
    list.push({ Sid: 'TableStream', Effect: 'Allow', Action: streamActions, Resource: streamArn });
    list.push({ Sid: 'StreamFailures', Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: failureQueueArn });
  }
  if (rules.putsEvents) {
    list.push({ Sid: 'EventBus', Effect: 'Allow', Action: ['events:PutEvents'], Resource: eventBusArn });
  }
  if (rules.secret) {
    if (!secret.parameterArn) throw new Error(`${functionName} reads the JWT secret, but the stage names no parameter.`);
    list.push({ Sid: 'JwtSecret', Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: secret.parameterArn });
    // The default aws/ssm key's own policy lets every principal of the account decrypt through SSM, so only a
    // customer managed key needs a grant, and then only for decryption that SSM asks for.
    if (secret.kmsKeyArn) {
      list.push({
        Sid: 'JwtSecretKey',
        Effect: 'Allow',
        Action: ['kms:Decrypt'],
        Resource: secret.kmsKeyArn,
        Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Sub': 'ssm.${AWS::Region}.amazonaws.com' } } },
      });
    }
  }
  return list;
}

/** The role resource of one function. */
function role(functionName, rules, secret) {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      },
      Policies: [
        {
          PolicyName: `${functionName}-least-privilege`,
          PolicyDocument: { Version: '2012-10-17', Statement: statements(functionName, rules, secret) },
        },
      ],
    },
  };
}

/** What a route's function may do: its declared table and index actions, and whether it reads the JWT secret. */
function rulesOf(route) {
  return { table: route.access?.table, index: route.access?.index, secret: route.auth !== false || route.access?.signsTokens === true };
}

/** The role of every declared route's function, keyed by its logical id (`CreateAccountRole`). */
module.exports = async ({ resolveVariable }) => {
  const parameterName = (await resolveVariable('param:jwtSecretParameter, ""')) || '';
  const kmsKeyArn = (await resolveVariable('param:jwtSecretKmsKeyArn, ""')) || '';
  const secret = {
    // A hierarchical parameter's name starts with `/`, and its ARN is `…:parameter` followed by that name.
    parameterArn: parameterName
      ? { 'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${parameterName}` }
      : undefined,
    kmsKeyArn: kmsKeyArn || undefined,
  };
  return Object.fromEntries([
    ...declaredRoutes().map((route) => {
      const rules = rulesOf(route);
      // Offline stages name no parameter and deploy nothing; their roles simply leave the secret out.
      return [`${normalizedName(route.name)}Role`, role(route.name, parameterName ? rules : { ...rules, secret: false }, secret)];
    }),
    // A job reads no token: its role is its table and index actions, and its stream's and bus's where it has them.
    ...declaredJobs().map((job) => [
      `${normalizedName(job.name)}Role`,
      role(job.name, { table: job.access.table, index: job.access.index, stream: Boolean(job.stream), putsEvents: job.access.putsEvents, secret: false }, secret),
    ]),
  ]);
};
