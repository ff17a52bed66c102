import { ValidationError } from '../../errors';
import type { Route } from '../route';

/** `GET /docs`: the interactive API reference page. */
export const route = {
  name: 'docs',
  handler: 'functions/meta/docs.handler',
  method: 'GET',
  path: '/docs',
  summary: 'The interactive API reference',
  description: 'A page that renders this document (Scalar), where each operation can be tried against this API. Every '
    + 'script it runs is served by the API itself (`/docs/{asset}`), under a Content-Security-Policy that allows no other origin.',
  tag: 'meta',
  auth: false,
  status: 200,
  media: 'text/html; charset=utf-8',
  errors: [ValidationError],
} satisfies Route;
