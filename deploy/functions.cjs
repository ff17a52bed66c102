'use strict';

const { declaredJobs, declaredRoutes, normalizedName, routeKey, routeLogicalId } = require('./routes.cjs');

/**
 * What serverless.yml makes of the route declarations (lib/routes/): `functions`, one per route, on its handler with
 * its own role (deploy/roles.cjs) and its one HTTP API event; and the stage's own throttling for two kinds of route
 * (`routeSettings`, and `throttledRouteIds` for the stage to depend on, since it names them). The routes that hash
 * passwords each cost an argon2 hash, so they are throttled harder than the rest. The catch-all answers every unknown
 * path: a flood of those gets its own small allowance, and cannot use up the rate the real routes share.
 */
/**
 * A stream job's event source mapping: the table's stream from its oldest record, the declared filter and batch, each
 * failing record reported (`ReportBatchItemFailures`), a failing batch split in two, and a batch given up on recorded
 * in the failure queue (serverless.yml: `StreamFailureQueue`).
 */
function streamEvent(stream) {
  return {
    type: 'dynamodb',
    arn: { 'Fn::GetAtt': ['PaymentsTable', 'StreamArn'] },
    startingPosition: 'TRIM_HORIZON',
    batchSize: stream.batchSize,
    functionResponseType: 'ReportBatchItemFailures',
    bisectBatchOnFunctionError: true,
    maximumRetryAttempts: stream.retryAttemptsMax,
    maximumRecordAgeInSeconds: stream.recordAgeSecondsMax,
    filterPatterns: [stream.filter],
    destinations: { onFailure: { type: 'sqs', arn: { 'Fn::GetAtt': ['StreamFailureQueue', 'Arn'] } } },
  };
}

/**
 * A scheduled job's EventBridge schedule; off in the serverless offline our scripts start (scripts/local/offline.ts
 * sets PAYMENTS_OFFLINE) for a job whose local runner is npm start's sweeper.
 */
function scheduleEvent(job) {
  return process.env.PAYMENTS_OFFLINE === 'true' && job.localRunner === 'sweeper' ? { rate: job.schedule, enabled: false } : job.schedule;
}

module.exports = async ({ resolveVariable }) => {
  const routes = declaredRoutes();
  const hashing = routes.filter((route) => route.hashesPasswords);
  const catchAll = routes.filter((route) => route.method === '*');
  // argon2 stays outside the bundles (serverless.yml: custom.esbuild.exclude); these are its files to ship instead.
  const argon2Files = await resolveVariable('self:custom.argon2Files');
  const credentials = {
    ThrottlingRateLimit: await resolveVariable('param:credentialsRateLimitPerSecond'),
    ThrottlingBurstLimit: await resolveVariable('param:credentialsBurstLimit'),
  };
  const unknownPaths = {
    ThrottlingRateLimit: await resolveVariable('param:catchAllRateLimitPerSecond'),
    ThrottlingBurstLimit: await resolveVariable('param:catchAllBurstLimit'),
  };
  return {
    functions: Object.fromEntries([
      ...routes.map((route) => [route.name, {
        handler: route.handler,
        role: `${normalizedName(route.name)}Role`,
        ...(route.hashesPasswords || route.ships ? { package: { patterns: [...(route.hashesPasswords ? argon2Files : []), ...(route.ships ?? [])] } } : {}),
        events: [{ httpApi: { method: route.method, path: route.path } }],
      }]),
      // Each job on its EventBridge schedule or the table's stream (lib/jobs/), with the time its runs take.
      ...declaredJobs().map((job) => [job.name, {
        handler: job.handler,
        role: `${normalizedName(job.name)}Role`,
        timeout: job.timeoutSeconds,
        ...(job.access.putsEvents ? { environment: { EVENT_BUS_NAME: { Ref: 'EventBus' } } } : {}),
        events: [job.stream ? { stream: streamEvent(job.stream) } : { schedule: scheduleEvent(job) }],
      }]),
    ]),
    routeSettings: Object.fromEntries([
      ...hashing.map((route) => [routeKey(route), credentials]),
      ...catchAll.map((route) => [routeKey(route), unknownPaths]),
    ]),
    throttledRouteIds: [...hashing, ...catchAll].map(routeLogicalId),
  };
};
