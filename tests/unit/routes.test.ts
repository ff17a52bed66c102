import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { errorCatalogue } from '../../lib/errors';
import { routes } from '../../lib/routes';
import type { Route } from '../../lib/routes/route';

const root = resolve(__dirname, '../..');
/** `functions/accounts/create.handler` → `accounts/create`: where its handler and its declaration live. */
const modulePath = (route: Route) => route.handler.replace(/^functions\//, '').replace(/\.handler$/, '');

describe('the route declarations', () => {
  it('name each function, handler and method with path once', () => {
    expect(routes.length).toBeGreaterThanOrEqual(12);
    for (const key of [(r: Route) => r.name, (r: Route) => r.handler, (r: Route) => `${r.method} ${r.path}`]) {
      expect(new Set(routes.map(key)).size).toBe(routes.length);
    }
    for (const route of routes) expect(route.name).toMatch(/^[a-z][A-Za-z]*$/);
  });

  it.each(routes.map((route) => [route.name, route] as const))(
    '%s lives in lib/routes/ at its handler\'s path, and its handler builds on it',
    (_name, route) => {
      expect(route.handler).toMatch(/^functions\/[a-z/-]+\.handler$/);
      expect((require(join(root, 'lib/routes', modulePath(route))) as { route: Route }).route).toBe(route);
      const handlerFile = join(root, 'functions', `${modulePath(route)}.ts`);
      expect(existsSync(handlerFile)).toBe(true);
      const source = readFileSync(handlerFile, 'utf8');
      expect(source).toContain(`import { route } from '../../lib/routes/${modulePath(route)}';`);
      expect(source).toContain('endpoint(route, ');
    },
  );

  it('name their errors by classes of the catalogue, each once', () => {
    for (const route of routes) {
      for (const kind of route.errors) expect(errorCatalogue).toContain(kind);
      expect(new Set(route.errors).size).toBe(route.errors.length);
    }
  });

  it('give a Location template to every route that answers 201, and only to those', () => {
    for (const route of routes) {
      expect([route.name, route.location !== undefined]).toEqual([route.name, route.status === 201]);
    }
  });

  it('let every route but the catch-all answer validation_failed, which an unknown query parameter answers anywhere', () => {
    for (const route of routes.filter((declared) => declared.method !== '*')) {
      expect([route.name, route.errors.some((kind) => kind.code === 'validation_failed')]).toEqual([route.name, true]);
    }
  });

  it('give a response schema to every route but the catch-all, those that answer 204 and those that answer a page or script, and only the catch-all answers every method', () => {
    expect(routes.filter((route) => route.method === '*').map((route) => route.path)).toEqual(['/{proxy+}']);
    for (const route of routes) {
      expect([route.name, route.response === undefined]).toEqual([route.name, route.method === '*' || route.status === 204 || route.media !== undefined]);
    }
  });
});

describe('the README', () => {
  const headings = readFileSync(join(root, 'README.md'), 'utf8').split('\n').filter((line) => line.startsWith('### '));

  it.each(routes.filter((route) => route.method !== '*').map((route) => `${route.method} ${route.path}`))(
    'lists %s in a heading',
    (key) => {
      expect(headings.some((line) => line.includes(`\`${key}\``))).toBe(true);
    },
  );
});
