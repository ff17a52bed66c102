import * as z from 'zod/mini';
import { RouteNotFoundError, ValidationError } from '../../errors';
import '../../http/zod-locale';
import type { Route } from '../route';

/** A problem code in a path: snake case, as every code is. */
export const problemParams = z.strictObject({ code: z.string().check(z.regex(/^[a-z][a-z0-9_]{0,63}$/, 'Must be a problem code.')) });

/** `GET /problems/{code}`: the page a problem's `type` names, saying what the code means and what to do. */
export const route = {
  name: 'problemPage',
  handler: 'functions/meta/problem.handler',
  method: 'GET',
  path: '/problems/{code}',
  summary: 'What a problem code means, and what to do',
  description: 'The page every problem `type` (`/problems/<code>`) names: what the code means and what a client should '
    + 'do about it, as HTML. A code the API never answers is `404 route_not_found`.',
  tag: 'meta',
  auth: false,
  params: problemParams,
  status: 200,
  media: 'text/html; charset=utf-8',
  errors: [ValidationError, RouteNotFoundError],
} satisfies Route;
