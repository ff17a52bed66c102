'use strict';

const { declaredRoutes, normalizedName, routeKey, routeLogicalId } = require('./routes.cjs');

/**
 * What serverless.yml makes of the route declarations (lib/routes/): `functions`, one per route, on its handler with
 * its own role (deploy/roles.cjs) and its one HTTP API event; and the stage's settings for the routes that hash
 * passwords, which each cost an argon2 hash and so are throttled harder than the rest (`passwordRouteSettings`, and
 * `passwordRouteIds` for the stage to depend on, since it names them).
 */
module.exports = async ({ resolveVariable }) => {
  const routes = declaredRoutes();
  const hashing = routes.filter((route) => route.hashesPasswords);
  // argon2 stays outside the bundles (serverless.yml: custom.esbuild.exclude); these are its files to ship instead.
  const argon2Files = await resolveVariable('self:custom.argon2Files');
  const throttle = {
    ThrottlingRateLimit: await resolveVariable('param:credentialsRateLimitPerSecond'),
    ThrottlingBurstLimit: await resolveVariable('param:credentialsBurstLimit'),
  };
  return {
    functions: Object.fromEntries(routes.map((route) => [route.name, {
      handler: route.handler,
      role: `${normalizedName(route.name)}Role`,
      ...(route.hashesPasswords ? { package: { patterns: argon2Files } } : {}),
      events: [{ httpApi: { method: route.method, path: route.path } }],
    }])),
    passwordRouteSettings: Object.fromEntries(hashing.map((route) => [routeKey(route), throttle])),
    passwordRouteIds: hashing.map(routeLogicalId),
  };
};
