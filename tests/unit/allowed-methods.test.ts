import { allowedMethods } from '../../lib/http/allowed-methods';
import { routes } from '../../lib/routes';
import { routeMethods } from '../../lib/routes/methods';

describe('the catch-all\'s method table', () => {
  it('is every declared route\'s method and path, the catch-all left out', () => {
    const declared = routes.filter((route) => route.method !== '*').map((route) => `${route.method} ${route.path}`);
    expect(routeMethods().map((route) => `${route.method} ${route.path}`)).toEqual(declared);
    expect(JSON.parse(JSON.stringify(routeMethods()))).toEqual(routeMethods());
  });

  it.each([
    // PATCH /api/v1/users/{id} (admins) matches any id, `login` among them, as API Gateway routes it.
    ['/api/v1/users/login', ['POST', 'PATCH']],
    ['/api/v1/users/me/password', ['POST']],
    ['/v1/accounts', ['POST', 'GET']],
    ['/v1/accounts/acc-1', ['GET', 'PATCH']],
    ['/v1/accounts/acc-1/freeze', ['POST']],
    ['/v1/accounts/acc-1/transactions', ['GET']],
    ['/v1/transactions/t-9', ['GET']],
    ['/openapi.json', ['GET']],
    ['/no/such/path', []],
    ['/v1/accounts/', []],
    ['/v1/accounts//balance', []],
    ['/v1/accounts/a/b', []],
    ['/api/v1/users/login/', []],
    ['/API/v1/users/login', []],
  ])('allows %s: %j', (path, methods) => {
    expect(allowedMethods(routeMethods(), path)).toEqual(methods);
  });
});
