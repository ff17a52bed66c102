import { ValidationError } from '../../errors';
import type { Route } from '../route';

/** `GET /openapi.json`: the OpenAPI 3.1 document of every route. */
export const route = {
  name: 'openapi',
  handler: 'functions/meta/openapi.handler',
  method: 'GET',
  path: '/openapi.json',
  summary: 'This document',
  description: 'This OpenAPI 3.1 document, generated from the route declarations and the zod schemas that validate '
    + 'requests.',
  tag: 'meta',
  auth: false,
  status: 200,
  response: 'openApiDocument',
  errors: [ValidationError],
} satisfies Route;
