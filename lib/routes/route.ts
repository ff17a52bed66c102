import type * as z from 'zod/mini';
import type { AppError, ErrorKind } from '../errors';
import type { Caller } from '../identity/model';
import type { ResponseName } from '../openapi/responses';
import type { RouteTag } from './tags';

/** A zod schema a route parses one part of its request with. */
export type Schema = z.ZodMiniType;

/** Proves who calls from the `Authorization` header, or throws an `UnauthorizedError`. */
export type Authenticator = (authorization: string | undefined) => Promise<Caller>;

/** A DynamoDB action a function's role may be granted, as `dynamodb:<action>`. */
export type TableAction = 'GetItem' | 'BatchGetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem' | 'Query';

/** A request header a route reads: parsed with `schema` when it is present. */
export interface HeaderParameter {
  name: string;
  description: string;
  schema: z.ZodMiniType<string>;
  /** Makes the header required: its absence answers this error, before anything else is read. */
  missing?: new () => AppError;
}

/**
 * One route, declared once in its own module under lib/routes/ (lib/routes/index.ts lists them all). Its handler
 * builds on it (`endpoint(route, fn)`), the OpenAPI document describes it, the deploy (deploy/functions.cjs,
 * deploy/roles.cjs) makes its function, route and role from it, and the tests check the template and the README
 * against it.
 *
 * A route names its authenticator (`authenticate` from lib/identity/tokens.ts) instead of a flag so that the bundle of
 * a public route holds no token code: the 404 route's bundle is then 7 KiB instead of 90 (jose, zod), and imports in
 * about 20 ms instead of 35-45 (bench/cold-start.ts). That is also why each route has a module of its own: a handler
 * bundles its own declaration and nothing of its neighbours'.
 */
export interface Route {
  /**
   * The function's name in the stack (its role is `<Name>Role`, its log group `<Name>LogGroup`), and the operation's
   * `operationId` in the OpenAPI document (the generated client's method names).
   */
  name: string;
  /** The handler's file and export, as the Serverless Framework names it: `functions/users/register.handler`. */
  handler: string;
  /** `*` only for the catch-all, which the OpenAPI document leaves out. */
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE' | '*';
  path: string;
  /** One line, imperative or a noun phrase: the operation's title in the reference page (`/docs`). */
  summary: string;
  /**
   * What the operation does, for the engineer who integrates: who may call it, what it changes, what to do next, in
   * full sentences (Markdown). The OpenAPI document's `description`; its linters refuse an operation without one.
   */
  description: string;
  /** The group the operation is listed under in the document and `/docs`; a new group is added in ./tags.ts. */
  tag: RouteTag;
  /** How the caller is authenticated, or `false` for a public route. */
  auth: Authenticator | false;
  body?: Schema;
  query?: Schema;
  params?: Schema;
  headers?: readonly HeaderParameter[];
  /** The status of a successful answer. */
  status: number;
  /**
   * Where the resource a `201` created can be read, as a path template whose `{id}` is the answer's `id`: the answer's
   * `Location` header. Every route that answers 201 declares one (tests/unit/routes.test.ts).
   */
  location?: string;
  /**
   * The schema of a successful answer, by its name in lib/openapi/responses.ts; none for the catch-all, for a route
   * whose success is `204 No Content`, and for one that answers `media`.
   */
  response?: ResponseName;
  /**
   * The content type of a successful answer that is not JSON (a page, a script): the function's `body` is then that
   * text, sent as it is.
   */
  media?: 'text/html; charset=utf-8' | 'text/javascript; charset=utf-8';
  /** The errors this route can answer with, besides `internal_error`, as classes of the catalogue (lib/errors.ts). */
  errors: readonly ErrorKind[];
  /**
   * What the function's role may do besides writing its own logs: `table`, the actions on the table; `index`, on its
   * `gsi1` index; `signsTokens`, read the JWT secret without verifying tokens (login). Every route with `auth` reads
   * the secret too. None for a route that calls no AWS service.
   */
  access?: { table?: readonly TableAction[]; index?: readonly TableAction[]; signsTokens?: true };
  /** Files of node_modules its package carries besides its bundle, which the function reads (not imports). */
  ships?: readonly string[];
  /** Hashes passwords: the package carries argon2, and the API throttles the route harder. */
  hashesPasswords?: true;
}
