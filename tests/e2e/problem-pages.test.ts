import { apiUrl } from '../support/env';
import { call, expectProblem } from '../support/http';

describe('problem types', () => {
  it('resolve: the type of a real problem answers a page describing its code', async () => {
    const problem = await call('GET', '/v1/accounts');
    expectProblem(problem, 401, 'unauthorized');
    const page = await fetch(new URL(problem.body.type as string, apiUrl()));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'none'/);
    const html = await page.text();
    expect(html).toContain('<h1><code>unauthorized</code></h1>');
    expect(html).toContain('Authorization: Bearer');
  });

  it('answer 404 route_not_found for a code the API never answers, and 400 for one no code could be', async () => {
    expectProblem(await call('GET', '/problems/no_such_code'), 404, 'route_not_found');
    expectProblem(await call('GET', '/problems/Not-A-Code'), 400, 'validation_failed');
  });
});
