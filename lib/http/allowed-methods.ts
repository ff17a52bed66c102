/** A declared route's method and path, as the catch-all's table holds them (lib/routes/methods.ts). */
export interface RouteMethod {
  method: string;
  path: string;
}

/** Whether a request path is an instance of a declared path, whose `{name}` segments match any one segment. */
function pathMatches(declared: string, requested: string): boolean {
  const want = declared.split('/');
  const got = requested.split('/');
  return want.length === got.length && want.every((part, i) => (/^\{[^+}]+\}$/.test(part) ? got[i] !== '' : part === got[i]));
}

/**
 * The methods the routes of a path answer, in the order declared, or none when no route has that path: the `Allow`
 * of a 405. API Gateway routes a request whose method a path lacks to the catch-all, which asks this.
 */
export function allowedMethods(table: readonly RouteMethod[], path: string): string[] {
  const methods = table.filter((route) => pathMatches(route.path, path)).map((route) => route.method);
  return [...new Set(methods)];
}
