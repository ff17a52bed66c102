'use strict';

const path = require('node:path');
const { require: requireTypeScript } = require('tsx/cjs/api');

/**
 * The route declarations of lib/routes/, for the deploy: deploy/functions.cjs makes each route's function and HTTP API
 * event from them, deploy/roles.cjs its role. They are TypeScript, which tsx loads here (as `serverless offline`
 * runs the handlers); the deploy reads only their data, never runs a handler.
 */
const routesModule = path.join(__dirname, '..', 'lib', 'routes', 'index.ts');
const jobsModule = path.join(__dirname, '..', 'lib', 'jobs', 'index.ts');

let loaded;
let loadedJobs;

/** Every declared route, loaded once per process. */
function declaredRoutes() {
  loaded ??= requireTypeScript(routesModule, __filename).routes;
  return loaded;
}

/** Every declared job (a scheduled function, lib/jobs/), loaded once per process. */
function declaredJobs() {
  loadedJobs ??= requireTypeScript(jobsModule, __filename).jobs;
  return loadedJobs;
}

/** The name osls builds a function's resource ids from: `createAccount` → `CreateAccount` (`…LambdaFunction`). */
function normalizedName(functionName) {
  const upper = functionName[0].toUpperCase() + functionName.slice(1);
  return upper.replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
}

/** The HTTP API's key for a route: `POST /v1/transfers`, and `ANY /{proxy+}` for the catch-all. */
function routeKey(route) {
  return `${route.method === '*' ? 'ANY' : route.method} ${route.path}`;
}

/** The logical id osls gives a route's `AWS::ApiGatewayV2::Route`: `POST /v1/transfers` → `HttpApiRoutePostV1Transfers`. */
function routeLogicalId(route) {
  const part = (raw) => {
    const word = raw.toLowerCase().replace(/-/g, 'Dash').replace(/\{(.*)\}/g, '$1Var').replace(/[^0-9A-Za-z]/g, '');
    return word.charAt(0).toUpperCase() + word.slice(1);
  };
  return `HttpApiRoute${routeKey(route).split('/').map(part).join('')}`;
}

module.exports = { declaredJobs, declaredRoutes, normalizedName, routeKey, routeLogicalId };
