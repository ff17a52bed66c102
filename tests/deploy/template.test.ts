/**
 * `serverless package` with no AWS credentials, for the production and LocalStack stages (dev differs from LocalStack
 * only in its parameter name and argon2 addons), and what it produced:
 * the CloudFormation template (routes, runtime, table, least-privilege roles, no wildcard, no secret) and the zips
 * (argon2's linux-arm64 addon in register and login only, the AWS SDK inside the bundles that call AWS). The LocalStack
 * packages are then run as Lambda would run them, against DynamoDB Local and a stand-in for SSM, with no AWS SDK
 * outside their zips, so the bundles are known to load and work on their own, not just to exist.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { jwtVerify, SignJWT } from 'jose';
import { openApiDocument } from '../../lib/openapi/document';
import { jobs } from '../../lib/jobs';
import type { StreamJob } from '../../lib/jobs/job';
import { routes } from '../../lib/routes';
import { dynamoEndpoint, tableName } from '../support/env';
import { fakeSsm, runInSim, unpackTask } from './lambda-sim';
import { copyService, keepTemplate, packageStage, runPackage, type PackagedStage } from './package';
import { listZip, readZip } from './zip';

jest.setTimeout(330_000);

type Spec = {
  route?: string; schedule?: string; stream?: StreamJob['stream']; bus?: boolean; timeout?: number; handler: string; table?: string[]; index?: string[];
  secret: boolean;
};

const actions = (list: readonly string[] | undefined) => (list?.length ? list.map((a) => `dynamodb:${a}`).sort() : undefined);

/**
 * Every function, from its route declaration (lib/routes/) or its job's (lib/jobs/): its route or schedule, its
 * handler, and the only table actions and secret it may use. Reading the secret and holding token code (jose) go
 * together: both mean it checks or signs tokens; a job does neither.
 */
const functions: Record<string, Spec> = Object.fromEntries([
  ...routes.map((route): [string, Spec] => [route.name, {
    route: `${route.method === '*' ? 'ANY' : route.method} ${route.path}`,
    handler: route.handler,
    table: actions(route.access?.table),
    index: actions(route.access?.index),
    secret: route.auth !== false || route.access?.signsTokens === true,
  }]),
  ...jobs.map((job): [string, Spec] => [job.name, {
    schedule: job.schedule, stream: job.stream, bus: job.access.putsEvents, timeout: job.timeoutSeconds, handler: job.handler,
    table: actions(job.access.table), index: actions(job.access.index), secret: false,
  }]),
]);
const hashing = routes.filter((route) => route.hashesPasswords).map((route) => route.name);
/** The functions with no DynamoDB client, and those that read the JWT secret from SSM (and so hold the SSM client). */
const withoutTable = routes.filter((route) => !route.access?.table && !route.access?.index).map((route) => route.name);
const readingSecret = Object.keys(functions).filter((name) => functions[name]!.secret);
const arm64Addon = 'node_modules/argon2/prebuilds/linux-arm64/argon2.armv8.glibc.node';
const x64Addon = 'node_modules/argon2/prebuilds/linux-x64/argon2.glibc.node';

const stages: Record<string, PackagedStage> = {};
const logicalId = (name: string) => name[0]!.toUpperCase() + name.slice(1);
const ofType = (t: any, type: string): Array<[string, any]> => Object.entries(t.Resources).filter(([, r]: [string, any]) => r.Type === type);
const parameterArn = (stage: string) => ({
  'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/serverless-payments/${stage}/jwt-secret`,
});

/** `serverless package` at the offline stage, which names no secret parameter and must be refused. */
let refusal: Promise<{ code: number; output: string }>;
const refusalDir = copyService();

beforeAll(async () => {
  // Side by side: each packaging runs at the lowest CPU priority, so it takes only what the other tests leave.
  refusal = runPackage(refusalDir, 'local', join(refusalDir, 'out'));
  const packaged = await Promise.allSettled(['prod', 'localstack'].map(packageStage));
  // Record every stage that packaged before reporting one that did not, so afterAll removes them all.
  for (const result of packaged) if (result.status === 'fulfilled') stages[result.value.stage] = result.value;
  for (const stage of Object.values(stages)) keepTemplate(stage);
  for (const result of packaged) if (result.status === 'rejected') throw result.reason;
}, 600_000);

afterAll(async () => {
  await refusal;
  for (const dir of [refusalDir, ...Object.values(stages).map((stage) => stage.serviceDir)]) rmSync(dir, { recursive: true, force: true });
});

it('takes its functions from the route and job declarations: only register, login and changePassword hash, only register, logout, the meta routes and the jobs hold no token code', () => {
  expect(hashing).toEqual(['register', 'login', 'changePassword']);
  expect(Object.keys(functions).filter((name) => !functions[name]!.secret))
    .toEqual(['register', 'logout', 'openapi', 'docs', 'docsAsset', 'problemPage', 'notFound', 'expireHolds', 'deliverWebhooks', 'publishEvents']);
  expect(withoutTable).toEqual(['openapi', 'docs', 'docsAsset', 'problemPage', 'notFound']);
});

describe.each(['prod', 'localstack'])('the %s template', (stage) => {
  const template = () => stages[stage]!.template;

  it('has one HTTP API with exactly the declared routes, each on its handler', () => {
    expect(ofType(template(), 'AWS::ApiGatewayV2::Api')).toHaveLength(1);
    expect(ofType(template(), 'AWS::ApiGateway::RestApi')).toHaveLength(0);
    const routes = Object.fromEntries(ofType(template(), 'AWS::ApiGatewayV2::Route').map(([, route]) => {
      const integrationId = route.Properties.Target['Fn::Join'][1][1].Ref;
      const functionId = template().Resources[integrationId].Properties.IntegrationUri['Fn::GetAtt'][0];
      return [route.Properties.RouteKey, template().Resources[functionId].Properties.Handler];
    }));
    expect(routes).toEqual(Object.fromEntries(Object.values(functions).filter((f) => f.route).map((f) => [f.route, f.handler])));
  });

  it('runs every job on its schedule, and nothing else on a schedule', () => {
    const rules = ofType(template(), 'AWS::Events::Rule').map(([, rule]) => rule.Properties);
    const scheduled = Object.entries(functions).filter(([, spec]) => spec.schedule);
    // Enabled, a job whose local runner is npm start's sweeper as well (only serverless offline leaves that one off).
    expect(rules.map((rule) => [rule.ScheduleExpression, rule.State, rule.Targets[0].Arn])).toEqual(scheduled.map(([name, spec]) => [
      spec.schedule, 'ENABLED', { 'Fn::GetAtt': [`${logicalId(name)}LambdaFunction`, 'Arn'] },
    ]));
  });

  it('runs every stream job on the table\'s stream as declared: filtered, failures reported per item, bisected, bounded, recorded in the queue', () => {
    const mappings = ofType(template(), 'AWS::Lambda::EventSourceMapping').map(([, mapping]) => mapping.Properties);
    const streamed = Object.entries(functions).filter(([, spec]) => spec.stream);
    expect(streamed.length).toBeGreaterThan(0);
    expect(mappings).toEqual(streamed.map(([name, spec]) => expect.objectContaining({
      EventSourceArn: { 'Fn::GetAtt': ['PaymentsTable', 'StreamArn'] },
      FunctionName: { 'Fn::GetAtt': [`${logicalId(name)}LambdaFunction`, 'Arn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: spec.stream!.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: spec.stream!.retryAttemptsMax,
      MaximumRecordAgeInSeconds: spec.stream!.recordAgeSecondsMax,
      FilterCriteria: { Filters: [{ Pattern: JSON.stringify(spec.stream!.filter) }] },
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': ['StreamFailureQueue', 'Arn'] } } },
    })));
    const bus = template().Resources.EventBus;
    expect(bus).toEqual({ Type: 'AWS::Events::EventBus', Properties: { Name: `payments-${stage}` } });
    const queue = template().Resources.StreamFailureQueue.Properties;
    expect(queue).toEqual({ QueueName: `payments-${stage}-stream-failures`, MessageRetentionPeriod: 1209600, SqsManagedSseEnabled: true });
  });

  it('throttles the whole API, the password routes harder, and the catch-all on its own', () => {
    const stageProps = template().Resources.HttpApiStage.Properties;
    const { ThrottlingRateLimit: rate, ThrottlingBurstLimit: burst } = stageProps.DefaultRouteSettings;
    expect(rate).toBeGreaterThan(0);
    expect(burst).toBeGreaterThanOrEqual(rate);
    const passwordRoutes = hashing.map((name) => functions[name]!.route!);
    const catchAll = functions.notFound!.route!;
    expect(catchAll).toBe('ANY /{proxy+}');
    expect(Object.keys(stageProps.RouteSettings).sort()).toEqual([...passwordRoutes, catchAll].sort());
    for (const route of [...passwordRoutes, catchAll]) {
      expect(stageProps.RouteSettings[route].ThrottlingRateLimit).toBeGreaterThan(0);
      expect(stageProps.RouteSettings[route].ThrottlingRateLimit).toBeLessThan(rate);
      expect(stageProps.RouteSettings[route].ThrottlingBurstLimit).toBeLessThan(burst);
    }
    // A flood of unknown paths may take at most a tenth of what the real routes share.
    expect(stageProps.RouteSettings[catchAll].ThrottlingRateLimit).toBeLessThanOrEqual(rate / 10);
    expect(stageProps.RouteSettings[catchAll].ThrottlingBurstLimit).toBeLessThanOrEqual(burst / 10);
    // The stage names those routes, so it must come after them.
    const throttled = [...passwordRoutes, catchAll];
    const routeIds = ofType(template(), 'AWS::ApiGatewayV2::Route')
      .filter(([, route]) => throttled.includes(route.Properties.RouteKey)).map(([id]) => id);
    expect(routeIds).toHaveLength(throttled.length);
    expect(template().Resources.HttpApiStage.DependsOn).toEqual(expect.arrayContaining(routeIds));
  });

  it('runs every function on nodejs22.x arm64 with its own role, JSON logs and no secret in its environment', () => {
    const lambdas = ofType(template(), 'AWS::Lambda::Function');
    expect(lambdas.map(([id]) => id).sort()).toEqual(Object.keys(functions).map((n) => `${logicalId(n)}LambdaFunction`).sort());
    for (const [name, spec] of Object.entries(functions)) {
      const props = template().Resources[`${logicalId(name)}LambdaFunction`].Properties;
      expect({ runtime: props.Runtime, architectures: props.Architectures, handler: props.Handler, role: props.Role })
        .toEqual({ runtime: 'nodejs22.x', architectures: ['arm64'], handler: spec.handler, role: { 'Fn::GetAtt': [`${logicalId(name)}Role`, 'Arn'] } });
      // A request's function answers well within API Gateway's 30 s; a job takes the time its declaration gives it.
      if (spec.timeout) expect(props.Timeout).toBe(spec.timeout);
      else expect(props.Timeout).toBeLessThan(30);
      expect(props.LoggingConfig.LogFormat).toBe('JSON');
      expect(props.Environment.Variables).toEqual({
        TABLE_NAME: `payments-${stage}`,
        JWT_SECRET_PARAMETER: `/serverless-payments/${stage}/jwt-secret`,
        // The bus's name, where the function puts events, and nowhere else.
        ...(spec.bus ? { EVENT_BUS_NAME: { Ref: 'EventBus' } } : {}),
      });
    }
  });

  it('keeps logs for a set time', () => {
    const groups = ofType(template(), 'AWS::Logs::LogGroup');
    expect(groups).toHaveLength(Object.keys(functions).length + 1);
    for (const [, group] of groups) expect(group.Properties.RetentionInDays).toBe(stage === 'prod' ? 90 : 14);
    expect(template().Resources.HttpApiStage.Properties.AccessLogSettings.DestinationArn).toEqual({ 'Fn::GetAtt': ['HttpApiLogGroup', 'Arn'] });
  });

  it('gives each function a role with exactly the actions its code needs, on the table, its index and its logs', () => {
    const roles = ofType(template(), 'AWS::IAM::Role');
    expect(roles.map(([id]) => id).sort()).toEqual(Object.keys(functions).map((n) => `${logicalId(n)}Role`).sort());
    for (const [name, spec] of Object.entries(functions)) {
      const role = template().Resources[`${logicalId(name)}Role`].Properties;
      expect(role.ManagedPolicyArns).toBeUndefined();
      expect(role.AssumeRolePolicyDocument.Statement).toEqual([
        { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
      ]);
      const granted = role.Policies.flatMap((p: any) => p.PolicyDocument.Statement).map((s: any) => {
        expect(Object.keys(s).sort()).toEqual(['Action', 'Effect', 'Resource', 'Sid']);
        expect(s.Effect).toBe('Allow');
        return { resource: s.Resource, actions: [...s.Action].sort() };
      });
      const expected = [
        { resource: { 'Fn::GetAtt': [`${logicalId(name)}LogGroup`, 'Arn'] }, actions: ['logs:CreateLogStream', 'logs:PutLogEvents'] },
        ...(spec.table ? [{ resource: { 'Fn::GetAtt': ['PaymentsTable', 'Arn'] }, actions: spec.table }] : []),
        ...(spec.index ? [{ resource: { 'Fn::Sub': '${PaymentsTable.Arn}/index/gsi1' }, actions: spec.index }] : []),
        ...(spec.stream ? [
          { resource: { 'Fn::GetAtt': ['PaymentsTable', 'StreamArn'] }, actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'] },
          { resource: { 'Fn::GetAtt': ['StreamFailureQueue', 'Arn'] }, actions: ['sqs:SendMessage'] },
        ] : []),
        ...(spec.bus ? [{ resource: { 'Fn::GetAtt': ['EventBus', 'Arn'] }, actions: ['events:PutEvents'] }] : []),
        ...(spec.secret ? [{ resource: parameterArn(stage), actions: ['ssm:GetParameter'] }] : []),
      ];
      expect(granted).toEqual(expected);
    }
  });

  it('grants no wildcard action or resource anywhere in the template', () => {
    const statements: any[] = [];
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node && typeof node === 'object') {
        for (const [key, value] of Object.entries(node)) {
          if (key === 'Statement') statements.push(...[value].flat());
          walk(value);
        }
      }
    };
    walk(template().Resources);
    const allows = statements.filter((s) => s.Effect === 'Allow');
    expect(allows.length).toBeGreaterThan(0);
    for (const s of allows) {
      expect({ NotAction: s.NotAction, NotResource: s.NotResource }).toEqual({ NotAction: undefined, NotResource: undefined });
      for (const action of [s.Action].flat()) expect(action).not.toContain('*');
      expect(s.Principal === '*' || s.Principal?.AWS === '*').toBe(false);
      for (const resource of [s.Resource].flat().filter((r) => r !== undefined)) {
        // A GetAtt names one resource of this stack (a log group's Arn ends in its own `:*` streams).
        if (resource['Fn::GetAtt']) {
          expect(['AWS::Logs::LogGroup', 'AWS::DynamoDB::Table', 'AWS::SQS::Queue', 'AWS::Events::EventBus'])
            .toContain(template().Resources[resource['Fn::GetAtt'][0]].Type);
        } else {
          expect(JSON.stringify(resource)).not.toContain('*');
        }
      }
    }
    // The only wildcards left deny: the deployment bucket refuses every request that is not over TLS.
    for (const s of statements.filter((st) => JSON.stringify(st.Action).includes('*'))) expect(s.Effect).toBe('Deny');
  });

  it('has the table npm start creates, on demand, with point-in-time recovery, encryption and (in prod) protection', async () => {
    const table = template().Resources.PaymentsTable;
    const local = new DynamoDBClient({ endpoint: dynamoEndpoint(), region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const { Table: created } = await local.send(new DescribeTableCommand({ TableName: tableName() }));
    local.destroy();
    const sortBy = <T extends { AttributeName?: string }>(list: T[] = []) => [...list].sort((a, b) => String(a.AttributeName).localeCompare(String(b.AttributeName)));
    expect(table.Properties.TableName).toBe(`payments-${stage}`);
    expect(table.Properties.KeySchema).toEqual(created!.KeySchema);
    expect(sortBy(table.Properties.AttributeDefinitions)).toEqual(sortBy(created!.AttributeDefinitions));
    expect(table.Properties.GlobalSecondaryIndexes).toEqual(created!.GlobalSecondaryIndexes!.map((i) => ({
      IndexName: i.IndexName, KeySchema: i.KeySchema, Projection: i.Projection,
    })));
    expect(table.Properties.BillingMode).toBe('PAY_PER_REQUEST');
    expect(created!.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(table.Properties.StreamSpecification).toEqual({ StreamViewType: 'NEW_IMAGE' });
    expect(created!.StreamSpecification).toEqual({ StreamEnabled: true, StreamViewType: 'NEW_IMAGE' });
    expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.Properties.SSESpecification).toEqual({ SSEEnabled: true });
    expect(table.Properties.DeletionProtectionEnabled).toBe(stage === 'prod');
    expect(table.DeletionPolicy).toBe(stage === 'prod' ? 'Retain' : 'Delete');
  });

  it('holds no secret: only the parameter name, and no parameter or plain-text value of its own', () => {
    const text = JSON.stringify(template());
    expect(ofType(template(), 'AWS::SSM::Parameter')).toHaveLength(0);
    expect(ofType(template(), 'AWS::SecretsManager::Secret')).toHaveLength(0);
    expect(template().Parameters).toBeUndefined();
    expect(text).not.toMatch(/dev-only-secret|"JWT_SECRET"|DYNAMODB_ENDPOINT/);
  });

  it('allows browsers from other origins everywhere but prod', () => {
    const cors = template().Resources.HttpApi.Properties.CorsConfiguration;
    if (stage === 'prod') expect(cors).toBeUndefined();
    else {
      expect(cors).toMatchObject({
        AllowOrigins: ['*'], AllowHeaders: expect.arrayContaining(['authorization', 'idempotency-key']),
        // A login's 429 says when to retry, a 405 what the path allows: scripts in the browser may read both.
        ExposeHeaders: expect.arrayContaining(['idempotent-replayed', 'retry-after', 'allow']),
      });
    }
  });
});

/** The bundle and every chunk it imports statically (`import … from "./x.mjs"`), which its own import loads. */
function loadedByImport(bundle: string, code: (file: string) => string): string[] {
  const loaded = new Set<string>();
  const visit = (file: string): void => {
    if (loaded.has(file)) return;
    loaded.add(file);
    for (const [, relative] of code(file).matchAll(/(?:^|[;}\s])import\s*(?:[^"'();]*?from\s*)?["'](\.{1,2}\/[^"']+)["']/g)) {
      visit(posix.join(posix.dirname(file), relative!));
    }
  };
  visit(bundle);
  return [...loaded];
}

describe('the packages', () => {
  const zip = (stage: string, name: string) => join(stages[stage]!.dir, `${name}.zip`);
  const names = (stage: string, name: string) => listZip(zip(stage, name)).map((e) => e.name);

  it.each(Object.keys(functions))('%s holds its ESM bundle, and argon2 only if it hashes passwords', (name) => {
    const bundle = `${functions[name]!.handler.replace(/\.handler$/, '')}.mjs`;
    const files = names('prod', name);
    expect(files).toContain(bundle);
    expect(files.filter((f) => f.endsWith('.ts') || f.includes('@aws-sdk/'))).toEqual([]);
    if (hashing.includes(name)) {
      expect(files).toEqual(expect.arrayContaining([
        arm64Addon, 'node_modules/argon2/argon2.cjs', 'node_modules/argon2/package.json',
        'node_modules/@phc/format/index.js', 'node_modules/node-gyp-build/index.js', 'node_modules/node-gyp-build/node-gyp-build.js',
      ]));
      expect(files).not.toContain(x64Addon);
    } else {
      // Only the files a route reads at run time (`ships`: Scalar's bundle for the reference page's scripts).
      expect(files.filter((f) => f.startsWith('node_modules/'))).toEqual([...(routes.find((route) => route.name === name)?.ships ?? [])]);
    }
  });

  it.each(Object.keys(functions))('%s bundles the AWS SDK clients it uses, with environment credentials only', (name) => {
    const bundle = `${functions[name]!.handler.replace(/\.handler$/, '')}.mjs`;
    const chunkDir = `${bundle.replace(/\.mjs$/, '')}.chunks/`;
    const entries = readZip(zip('prod', name));
    const modules = [...entries.keys()].filter((file) => file.endsWith('.mjs'));
    const code = (file: string) => entries.get(file)!.toString('utf8');
    const everything = modules.map(code).join('\n');
    // Its bundle and its own chunks only, never a neighbour's; each with the source map Node does not load but a
    // person can look a minified position up in.
    for (const file of modules) {
      expect(file === bundle || file.startsWith(chunkDir)).toBe(true);
      expect(entries.has(`${file}.map`)).toBe(true);
    }
    // Nothing is imported from an @aws-sdk package outside the zip, statically, dynamically or through require. (The
    // multi-region signer that EventBridge's client carries quotes `[require("@aws-sdk/signature-v4-crt");]` in its
    // error messages, as advice: that is text, not a call.)
    expect(everything.match(/(?<!\[)(?:from|import\(|require\()\s*["']@aws-sdk\//g)).toBeNull();
    // Each client is inside, recognizable by its wire protocol's target prefix. The SSM client is in a chunk that
    // loads on first use, outside everything the bundle's own import loads.
    const loaded = loadedByImport(bundle, code);
    expect(everything.includes('DynamoDB_20120810')).toBe(!withoutTable.includes(name));
    expect(loaded.some((file) => code(file).includes('DynamoDB_20120810'))).toBe(!withoutTable.includes(name));
    if (!withoutTable.includes(name)) {
      // The SDK's core, shared with the on-demand chunk, is a chunk of its own that the bundle imports.
      expect(loaded.length).toBeGreaterThan(1);
    }
    if (readingSecret.includes(name)) expect(everything).toContain('AmazonSSM');
    // Token code only where a token is checked or signed: jose (its error codes) and lib/identity/tokens.ts (the
    // name keepNames gives `authenticate`). A public route's declaration names no authenticator, so bundles none.
    expect(everything.includes('ERR_JWT')).toBe(readingSecret.includes(name));
    expect(everything.includes('"authenticate"')).toBe((routes.find((route) => route.name === name)?.auth ?? false) !== false);
    for (const file of loaded) expect(code(file)).not.toContain('AmazonSSM');
    // The SDK's default credential chain is cut down to its environment link (deploy/esbuild-plugins.cjs).
    for (const otherSource of ['AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_FULL_URI', 'ssoStartUrl', 'credential_process']) {
      expect(everything).not.toContain(otherSource);
    }
    if (!withoutTable.includes(name)) expect(everything).toContain('AWS_SECRET_ACCESS_KEY');
  });

  it('ships both argon2 addons to LocalStack, which may run arm64 functions on an x64 host', () => {
    for (const name of hashing) expect(names('localstack', name)).toEqual(expect.arrayContaining([arm64Addon, x64Addon]));
  });

  it('refuses to package a stage that names no JWT secret parameter', async () => {
    const { code, output } = await refusal;
    expect(code).not.toBe(0);
    expect(output).toContain('Stage "local" names no SSM parameter for the JWT secret');
  });
});

describe('the LocalStack packages, run as Lambda runs them', () => {
  const secret = `secret-from-the-stand-in-for-ssm-${randomUUID()}`;
  const event = (method: string, path: string, body?: unknown, token?: string) => ({
    version: '2.0', routeKey: `${method} ${path}`, rawPath: path, rawQueryString: '',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    requestContext: { http: { method, path, sourceIp: '192.0.2.10' }, requestId: randomUUID() },
    body: body === undefined ? undefined : JSON.stringify(body), isBase64Encoded: false,
  });
  const invoke = (module: string, evt: unknown) =>
    `(await import(${JSON.stringify(module)})).handler(${JSON.stringify(evt)}, { awsRequestId: 'sim', getRemainingTimeInMillis: () => 10000 })`;

  it('registers with the bundled argon2, logs in with the secret read from SSM, and serves me without argon2', async () => {
    const ssm = await fakeSsm(secret);
    const sims = [mkdtempSync(join(tmpdir(), 'payments-sim-')), mkdtempSync(join(tmpdir(), 'payments-sim-'))];
    try {
      const env = (fn: string) => ({
        AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'sim', AWS_SECRET_ACCESS_KEY: 'sim', AWS_ENDPOINT_URL_SSM: ssm.url,
        AWS_LAMBDA_FUNCTION_NAME: `serverless-payments-localstack-${fn}`, DYNAMODB_ENDPOINT: dynamoEndpoint(), TABLE_NAME: tableName(),
        JWT_SECRET_PARAMETER: '/serverless-payments/localstack/jwt-secret',
      });
      const credentials = { email: `package-${randomUUID()}@example.com`, password: 'a password from the package test' };
      const hashingTask = unpackTask(sims[0]!, [zip('register'), zip('login')]);
      const signedIn = await runInSim(sims[0]!, `
        const registered = await ${invoke(join(hashingTask, 'functions/users/register.mjs'), event('POST', '/api/v1/users/register', credentials))};
        const loggedIn = await ${invoke(join(hashingTask, 'functions/users/login.mjs'), event('POST', '/api/v1/users/login', credentials))};
        console.log(JSON.stringify({ registered, loggedIn }));`, env('login'));
      expect(signedIn.registered.statusCode).toBe(201);
      expect(signedIn.loggedIn.statusCode).toBe(200);
      const userId = JSON.parse(signedIn.registered.body).id;
      const token = JSON.parse(signedIn.loggedIn.body).accessToken;
      const { payload } = await jwtVerify(token, new TextEncoder().encode(secret));
      expect(payload.sub).toBe(userId);

      const meTask = unpackTask(sims[1]!, [zip('me')]);
      const me = await runInSim(sims[1]!, `
        console.log(JSON.stringify(await ${invoke(join(meTask, 'functions/users/me.mjs'), event('GET', '/api/v1/users/me', undefined, token))}));`, env('me'));
      expect(me.statusCode).toBe(200);
      expect(JSON.parse(me.body)).toMatchObject({ id: userId, email: credentials.email });
      expect(ssm.requests.length).toBeGreaterThanOrEqual(2);
      for (const request of ssm.requests) {
        expect(request).toEqual({ target: 'AmazonSSM.GetParameter', input: { Name: '/serverless-payments/localstack/jwt-secret', WithDecryption: true } });
      }
    } finally {
      await ssm.close();
      for (const sim of sims) rmSync(sim, { recursive: true, force: true });
    }
  });

  it('answers 503 storage_unavailable, not 500, while SSM throttles or cannot be reached, and reads again once it answers', async () => {
    const throttled = await fakeSsm(secret, { throttled: true });
    const healthy = await fakeSsm(secret);
    const sim = mkdtempSync(join(tmpdir(), 'payments-sim-'));
    try {
      const task = unpackTask(sim, [zip('me')]);
      const me = JSON.stringify(event('GET', '/api/v1/users/me', undefined, await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(secret))));
      // One cold instance: the first call meets a throttling SSM, the second none at all, the third a healthy one.
      const answers = await runInSim(sim, `
        const { handler } = await import(${JSON.stringify(join(task, 'functions/users/me.mjs'))});
        const context = { awsRequestId: 'sim', getRemainingTimeInMillis: () => 10000 };
        const answers = [];
        for (const ssm of ${JSON.stringify([throttled.url, 'http://127.0.0.1:9', healthy.url])}) {
          process.env.AWS_ENDPOINT_URL_SSM = ssm;
          answers.push(await handler(${me}, context));
        }
        console.log(JSON.stringify(answers));`, {
        AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'sim', AWS_SECRET_ACCESS_KEY: 'sim',
        AWS_LAMBDA_FUNCTION_NAME: 'serverless-payments-localstack-me', DYNAMODB_ENDPOINT: dynamoEndpoint(), TABLE_NAME: tableName(),
        JWT_SECRET_PARAMETER: '/serverless-payments/localstack/jwt-secret',
      });
      for (const answer of answers.slice(0, 2)) {
        expect(answer.statusCode).toBe(503);
        expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(JSON.parse(answer.body)).toMatchObject({ status: 503, code: 'storage_unavailable' });
      }
      expect(throttled.requests.length).toBeGreaterThanOrEqual(1);
      // The secret was read once SSM answered: the token, signed without a subject, is then refused as a bad token.
      expect(healthy.requests).toHaveLength(1);
      expect(answers[2].statusCode).toBe(401);
    } finally {
      await throttled.close();
      await healthy.close();
      rmSync(sim, { recursive: true, force: true });
    }
  });

  it('serves the OpenAPI document built into the bundle, the same as the sources build', async () => {
    const sim = mkdtempSync(join(tmpdir(), 'payments-sim-'));
    try {
      const task = unpackTask(sim, [zip('openapi')]);
      const bundle = join(task, 'functions/meta/openapi.mjs');
      // Built into the bundle, not from zod at cold start: the bundle holds neither zod nor the route schemas.
      expect(readZip(zip('openapi')).get('functions/meta/openapi.mjs')!.toString('utf8')).not.toContain('toJSONSchema');
      const answer = await runInSim(sim, `console.log(JSON.stringify(await ${invoke(bundle, event('GET', '/openapi.json'))}));`, {
        AWS_REGION: 'us-east-1', AWS_LAMBDA_FUNCTION_NAME: 'serverless-payments-localstack-openapi',
      });
      expect(answer.statusCode).toBe(200);
      expect(JSON.parse(answer.body)).toEqual(openApiDocument());
    } finally {
      rmSync(sim, { recursive: true, force: true });
    }
  });

  it('answers a known path with the wrong method 405 with Allow from the catch-all, whose bundle holds no route', async () => {
    const sim = mkdtempSync(join(tmpdir(), 'payments-sim-'));
    try {
      const task = unpackTask(sim, [zip('notFound')]);
      const bundle = join(task, 'functions/meta/not-found.mjs');
      // The method table is built in (deploy/esbuild-plugins.cjs): no route's schemas, so no zod.
      expect(readZip(zip('notFound')).get('functions/meta/not-found.mjs')!.toString('utf8')).not.toMatch(/strictObject|ZodError/);
      const answers = await runInSim(sim, `console.log(JSON.stringify([
        await ${invoke(bundle, event('GET', '/api/v1/users/login'))},
        await ${invoke(bundle, event('DELETE', '/v1/accounts/acc-1'))},
        await ${invoke(bundle, event('GET', '/no/such/path'))},
      ]));`, { AWS_REGION: 'us-east-1', AWS_LAMBDA_FUNCTION_NAME: 'serverless-payments-localstack-notFound' });
      expect(answers.map((a: any) => [a.statusCode, a.headers.allow, JSON.parse(a.body).code])).toEqual([
        [405, 'POST, PATCH', 'method_not_allowed'], [405, 'GET, PATCH', 'method_not_allowed'], [404, undefined, 'route_not_found'],
      ]);
    } finally {
      rmSync(sim, { recursive: true, force: true });
    }
  });

  function zip(name: string): string {
    return join(stages.localstack!.dir, `${name}.zip`);
  }
});
