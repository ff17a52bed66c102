'use strict';

/**
 * serverless-esbuild for `serverless package` and `serverless deploy` only. `serverless offline` (npm start,
 * npm test) keeps running the TypeScript sources through tsx, so a local change needs no build and the stage name is
 * free: the test harness runs offline at stage `test`, npm start at `local`.
 *
 * Before anything is packaged it also refuses a stage without a JWT secret parameter: such a stack would deploy, and
 * then every login would fail with a 500 because a real Lambda never falls back to the development secret.
 */
const EsbuildServerlessPlugin = require('serverless-esbuild');

/** The serverless-esbuild hooks that build and zip; its offline, invoke-local and run hooks are dropped. */
const packagingHooks = new Set([
  'initialize',
  'before:package:createDeploymentArtifacts',
  'after:package:createDeploymentArtifacts',
  'before:deploy:function:packageFunction',
  'after:deploy:function:packageFunction',
]);

class PackageWithEsbuild extends EsbuildServerlessPlugin {
  constructor(serverless, options, logging) {
    super(serverless, options, logging);
    for (const hook of Object.keys(this.hooks)) {
      if (!packagingHooks.has(hook)) delete this.hooks[hook];
    }
    this.hooks['before:package:cleanup'] = () => this.requireSecretParameter();
    this.hooks['before:deploy:function:initialize'] = () => this.requireSecretParameter();
  }

  /** Fails the package when the stage names no SSM parameter for the JWT secret. */
  requireSecretParameter() {
    const { service } = this.serverless;
    const parameter = (service.provider.environment || {}).JWT_SECRET_PARAMETER;
    if (typeof parameter === 'string' && parameter.startsWith('/')) return;
    const stage = this.serverless.getProvider('aws').getStage();
    throw new this.serverless.classes.Error(
      `Stage "${stage}" names no SSM parameter for the JWT secret, so it cannot be packaged or deployed. ` +
        `Deploy a stage that has one (--stage dev, --stage prod, --stage localstack), or add ` +
        `params.${stage}.jwtSecretParameter to serverless.yml, or pass --param="jwtSecretParameter=/path/to/secret".`,
    );
  }
}

module.exports = PackageWithEsbuild;
