'use strict';

const path = require('node:path');

/**
 * esbuild plugins for the deployment bundles (serverless.yml: custom.esbuild.plugins; bench/deploy-config.ts loads
 * them too, so the cold-start bench measures the bundles that deploy).
 *
 * argon2 stays external, its native addon shipped beside the register and login bundles only. But `me` reaches
 * lib/identity/users.ts, which imports the hashing module, without ever hashing; and esbuild keeps a module, with its
 * imports, whenever loading it might have side effects (the hashing module reads `argon2.argon2id` as it loads). The
 * `me` bundle would then import an argon2 its package does not hold, and fail at cold start.
 *
 * Loading the hashing module only defines functions, so it is declared free of side effects: esbuild then leaves it,
 * and argon2, out of every bundle that calls none of its functions. tests/deploy/template.test.ts checks that only
 * register and login import argon2, and runs `me` from its package.
 */
const hashingModule = path.join(__dirname, '..', 'lib', 'identity', 'passwords.ts');

const hashingModuleWithoutSideEffects = {
  name: 'hashing-module-without-side-effects',
  setup(build) {
    build.onResolve({ filter: /\/passwords$/ }, (args) => {
      const resolved = path.join(args.resolveDir, `${path.basename(args.path)}.ts`);
      return resolved === hashingModule ? { path: resolved, sideEffects: false } : undefined;
    });
  },
};

/**
 * The AWS SDK is bundled, and every client's default credential chain (`@aws-sdk/credential-provider-node`) would
 * bring along the providers a laptop or a server needs: SSO, shared config files, credential processes, web identity,
 * instance and container metadata, and the STS and SSO clients behind them. That is a large share of each bundle, code
 * that every cold start parses and a Lambda never runs (bench/results has the bundle sizes): Lambda hands a function its role's credentials in the environment
 * (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), and LocalStack's Lambda does the same. So the bundles
 * get a default chain of that one link, `fromEnv`, which fails with "Unable to find environment variable credentials"
 * if they are missing. It touches only the deployed bundles: `serverless offline`, the tests and the scripts run the
 * sources with the SDK's full chain.
 */
const credentialProviderNode = path.dirname(require.resolve('@aws-sdk/credential-provider-node/package.json'));

const environmentCredentialsOnly = {
  name: 'environment-credentials-only',
  setup(build) {
    build.onResolve({ filter: /^@aws-sdk\/credential-provider-node$/ }, () => ({
      path: 'credential-provider-node',
      namespace: 'environment-credentials-only',
    }));
    build.onLoad({ filter: /.*/, namespace: 'environment-credentials-only' }, () => ({
      contents: "export { fromEnv as defaultProvider } from '@aws-sdk/credential-provider-env';",
      loader: 'js',
      // Resolved from the package it replaces, which depends on the environment provider itself.
      resolveDir: credentialProviderNode,
    }));
  },
};

/**
 * With `splitting`, esbuild writes the code a bundle imports on demand (the SSM client, which reads the JWT secret on
 * the first request that signs or checks a token) to chunk files that load only when that import runs. Without it,
 * esbuild inlines that code and wraps every module it reaches, the SDK's core included, in a lazy initializer, which
 * V8 parses once as the bundle loads and again when it runs, so the first request pays for that code twice. Split, it
 * is parsed once, and only by the requests that need it; bench/cold-start.ts measures the imports, and bench/results
 * holds what it found.
 *
 * serverless-esbuild builds one function at a time into the directory of its handler, which it shares with the
 * handlers beside it, and zips every file of that directory except the other handlers' bundles and the files named
 * after them (`login.mjs.map` for `login`). So each function's chunks go to `<handler>.chunks/`: its own zip holds
 * them and its neighbours' zips leave them out. The bench builds one function at a time too.
 */
const chunksBesideTheirBundle = {
  name: 'chunks-beside-their-bundle',
  setup(build) {
    const options = build.initialOptions;
    if (!options.splitting) return;
    const entries = Array.isArray(options.entryPoints) ? options.entryPoints : Object.keys(options.entryPoints ?? {});
    if (entries.length !== 1) {
      throw new Error(`Split bundles are built one function at a time, as serverless-esbuild does; got ${entries.length} entry points.`);
    }
    const [entry] = entries;
    // A string entry is the handler's path (serverless-esbuild), an object's key the output name (the bench).
    const name = Array.isArray(options.entryPoints) ? path.basename(entry, path.extname(entry)) : entry;
    options.chunkNames = `${name}.chunks/[name]-[hash]`;
  },
};

/**
 * The OpenAPI document is a pure function of the route schemas, and converting those zod schemas to JSON Schema was a
 * visible part of the openapi function's cold start, after parsing all of zod to do it. So the bundles get the document
 * as it is at build time: lib/openapi/document.ts is bundled and run here, and replaced by a module that returns what
 * it produced. tests/deploy/template.test.ts checks that the deployed
 * function serves exactly what lib/openapi/document.ts builds from the sources.
 */
const documentModule = path.join(__dirname, '..', 'lib', 'openapi', 'document.ts');

/**
 * The catch-all route answers 405 with `Allow` for a declared path asked with another method, from the method and
 * path of every route (lib/routes/methods.ts). Read from the declarations at cold start, that table would bring every
 * route's schemas and token code into the smallest bundle; so, like the document, it is built in.
 */
const routeMethodsModule = path.join(__dirname, '..', 'lib', 'routes', 'methods.ts');

/**
 * A plugin that bundles and runs `modulePath` at build time and replaces it with a module whose `exportName()` returns
 * what it returned then. The function must take no arguments and return JSON.
 */
function builtAtBuildTime(name, modulePath, exportName, what) {
  const file = path.basename(modulePath).replace(/\./g, '\\.');
  return {
    name,
    setup(build) {
      build.onLoad({ filter: new RegExp(`[\\\\/]${file}$`) }, async (args) => {
        if (args.path !== modulePath) return undefined;
        const { outputFiles } = await build.esbuild.build({
          entryPoints: [modulePath], bundle: true, format: 'cjs', platform: 'node', write: false, logLevel: 'silent',
          // Reached through the token code, and never run here.
          external: ['@aws-sdk/*', 'argon2'],
        });
        const module = { exports: {} };
        new Function('module', 'exports', 'require', outputFiles[0].text)(module, module.exports, require);
        const json = JSON.stringify(module.exports[exportName]());
        return {
          // JSON.parse of a string literal loads faster than the same object written as a literal.
          contents: `/** ${what}, built when the bundle was. */\n` +
            `export function ${exportName}() { return JSON.parse(${JSON.stringify(json)}); }\n`,
          loader: 'js',
          watchFiles: [modulePath],
        };
      });
    },
  };
}

const openApiDocumentAtBuildTime = builtAtBuildTime('openapi-document-at-build-time', documentModule, 'openApiDocument', 'The OpenAPI document');
const routeMethodsAtBuildTime = builtAtBuildTime('route-methods-at-build-time', routeMethodsModule, 'routeMethods', 'The method and path of every route');

module.exports = [
  hashingModuleWithoutSideEffects, environmentCredentialsOnly, chunksBesideTheirBundle, openApiDocumentAtBuildTime, routeMethodsAtBuildTime,
];
