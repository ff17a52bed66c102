import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The API reference page (`GET /docs`): Scalar's standalone bundle, served by the API itself (`GET /docs/{asset}`),
 * renders the OpenAPI document interactively, and its built-in client tries requests against the same origin. Nothing
 * comes from anywhere else: the Content-Security-Policy allows scripts, data and connections from this origin only
 * (styles may be inline, since Scalar injects its own), and Scalar is told not to load its web fonts.
 */
export const docsPolicy = [
  "default-src 'none'", "script-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data:", "font-src 'self' data:",
  "connect-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');

/** The page: no inline script, so the policy needs no hash or nonce for one. */
export const docsPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Serverless payments API reference</title>
</head>
<body>
<div id="app"></div>
<script src="/docs/scalar.js"></script>
<script src="/docs/init.js"></script>
</body>
</html>
`;

/**
 * What starts Scalar on the page: the document of this origin, requests sent to this origin (the document's server is
 * `/`, which Scalar would join into `//path`), its own fonts off, no telemetry, no proxy.
 */
export const docsInit = `Scalar.createApiReference('#app', {
  url: '/openapi.json',
  servers: [{ url: window.location.origin, description: 'This API' }],
  withDefaultFonts: false,
  telemetry: false,
  hideClientButton: false,
  showDeveloperTools: 'never',
  agent: { disabled: true },
  mcp: { disabled: true },
});
`;

let bundle: string | undefined;

/**
 * Scalar's standalone bundle, read on first use and kept: `file` is its path under the function's root, where its
 * package ships it (the route's `ships`), and under the repository's root when the sources run (`npm start`, tests).
 * Read on use, not at load, so that a missing file answers a 500 problem.
 */
export function scalarBundle(file: string): string {
  // `serverless offline` and the Lambda model set LAMBDA_TASK_ROOT to /var/task as well, but run in the repository.
  const root = process.env.IS_OFFLINE === 'true' ? process.cwd() : process.env.LAMBDA_TASK_ROOT ?? process.cwd();
  bundle ??= readFileSync(join(root, file), 'utf8');
  return bundle;
}
