import { RouteNotFoundError } from '../../lib/errors';
import { endpoint } from '../../lib/http/endpoint';
import { problemPage, problemPagePolicy } from '../../lib/problems/page';
import { route } from '../../lib/routes/meta/problem';

/** The handler of the route lib/routes/meta/problem.ts declares. */
export const handler = endpoint(route, async ({ params, event }) => {
  const page = problemPage(params.code);
  if (!page) throw new RouteNotFoundError('GET', event.rawPath);
  return { body: page, headers: { 'content-security-policy': problemPagePolicy } };
});
