'use strict';

/**
 * One IAM role per function, each allowed only what that function's code does. `serverless.yml` places each role
 * with `${file(./deploy/roles.cjs):<function>}` and points the function at it with `role:`.
 *
 * The table below is read off `lib/storage/*.ts`: a `GetCommand` needs `dynamodb:GetItem`, a `QueryCommand`
 * `dynamodb:Query` (on `/index/gsi1` when it names that index), and a `TransactWriteCommand` needs the action of
 * each item it holds (its `Put` items `dynamodb:PutItem`, its `Update` items `dynamodb:UpdateItem`): DynamoDB has no
 * separate transaction permission. Change a handler's storage calls and this table must change with it;
 * `tests/deploy/template.test.ts` checks the generated template against its own copy.
 */

/** @typedef {'GetItem' | 'PutItem' | 'UpdateItem' | 'Query'} TableAction */

/**
 * What each function may do. `table`: actions on the table itself; `index`: actions on the `gsi1` index; `secret`:
 * whether it reads the JWT signing secret (every route that verifies a token, and login, which signs one).
 * @type {Record<string, { table?: TableAction[], index?: TableAction[], secret?: boolean }>}
 */
const access = {
  // insertUser: one TransactWriteItems of two conditional Puts (the user and the email claim).
  register: { table: ['PutItem'] },
  // findUserByEmail: two GetItems (the email claim, then the user); then it signs a token.
  login: { table: ['GetItem'], secret: true },
  me: { table: ['GetItem'], secret: true },
  // findUserById (an admin opening an account for another owner), then insertAccount's conditional Put.
  createAccount: { table: ['GetItem', 'PutItem'], secret: true },
  // queryAccountsOfOwner reads the owner index only.
  listAccounts: { index: ['Query'], secret: true },
  getAccount: { table: ['GetItem'], secret: true },
  getBalance: { table: ['GetItem'], secret: true },
  // visibleAccount's GetItem, then queryStatement on the account's own partition.
  listAccountTransactions: { table: ['GetItem', 'Query'], secret: true },
  // Idempotency and account reads, then one TransactWriteItems: two Updates (balances) and three or four Puts.
  createTransfer: { table: ['GetItem', 'PutItem', 'UpdateItem'], secret: true },
  getTransaction: { table: ['GetItem'], secret: true },
  openapi: {},
  notFound: {},
};

const tableArn = { 'Fn::GetAtt': ['PaymentsTable', 'Arn'] };
const indexArn = { 'Fn::Sub': '${PaymentsTable.Arn}/index/gsi1' };

/** The logical id osls gives a function's log group: `createAccount` → `CreateAccountLogGroup`. */
function logGroupLogicalId(functionName) {
  const normalized = functionName[0].toUpperCase() + functionName.slice(1);
  return `${normalized.replace(/-/g, 'Dash').replace(/_/g, 'Underscore')}LogGroup`;
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

/** The roles of every function, keyed by function name. */
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
  return Object.fromEntries(
    Object.entries(access).map(([name, rules]) => [
      name,
      // Offline stages name no parameter and deploy nothing; their roles simply leave the secret out.
      role(name, parameterName ? rules : { ...rules, secret: false }, secret),
    ]),
  );
};
