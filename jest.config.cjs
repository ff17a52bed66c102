/**
 * Jest runs the TypeScript sources through SWC. `@middy/core` ships ESM only, so it is transformed too.
 * The test command (`scripts/test.ts`) starts DynamoDB Local and the API first and passes their addresses in;
 * `npm run test:unit` runs tests/unit alone, which needs neither (nor Java, nor any network).
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  // tests/after checks what the whole suite did; scripts/test.ts runs it once the suite has passed.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/tests/after/'],
  transform: {
    '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@middy|jose)/)'],
  testTimeout: 30000,
};
