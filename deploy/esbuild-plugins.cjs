'use strict';

const path = require('node:path');

/**
 * esbuild plugins for the deployment bundles (serverless.yml: custom.esbuild.plugins).
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

module.exports = [
  {
    name: 'hashing-module-without-side-effects',
    setup(build) {
      build.onResolve({ filter: /\/passwords$/ }, (args) => {
        const resolved = path.join(args.resolveDir, `${path.basename(args.path)}.ts`);
        return resolved === hashingModule ? { path: resolved, sideEffects: false } : undefined;
      });
    },
  },
];
