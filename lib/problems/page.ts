import { STATUS_CODES } from 'node:http';
import { errorCatalogue, internalErrorCode } from '../errors';
import { problemGuide } from './guide';

/**
 * The page a problem `type` (`/problems/<code>`) answers with: what the code means and what to do, as HTML that needs
 * nothing but itself (no script; its one style sheet is inline, which its Content-Security-Policy allows alone).
 */
export function problemPage(code: string): string | undefined {
  // The statuses a code answers with, by class (`mfa_required`: 401 at login, 403 on an action).
  const statuses = code === internalErrorCode ? [500] : errorCatalogue.filter((kind) => kind.code === code).map((kind) => kind.status);
  const guide = Object.hasOwn(problemGuide, code) ? problemGuide[code] : undefined;
  if (!guide || statuses.length === 0) return undefined;
  const answered = statuses.map((status) => `${status} ${STATUS_CODES[status] ?? ''}`.trim()).join(', ');
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${code} — problem</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem}code{background:#f2f2f2;padding:0 .2em}</style>
</head>
<body>
<main>
<h1><code>${code}</code></h1>
<p>Answered with: <strong>${escapeHtml(answered)}</strong>, as an RFC 9457 problem (<code>application/problem+json</code>) whose <code>code</code> is <code>${code}</code>.</p>
<h2>What it means</h2>
<p>${inline(guide.means)}</p>
<h2>What to do</h2>
<p>${inline(guide.todo)}</p>
<p><a href="/docs">The API reference</a></p>
</main>
</body>
</html>
`;
}

/** The guide's text as HTML: escaped, its `code` spans set as code. */
function inline(text: string): string {
  return escapeHtml(text).replace(/`([^`]+)`/g, '<code>$1</code>');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** What a problem page may load: nothing but its own inline style. */
export const problemPagePolicy = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
