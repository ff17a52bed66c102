import { ValidationError } from '../../errors';
import type { Route } from '../route';

/** `GET /openapi.json`: the OpenAPI 3.1 document of every route. */
export const route = {
  name: 'openapi',
  handler: 'functions/meta/openapi.handler',
  method: 'GET',
  path: '/openapi.json',
  summary: 'This document',
  auth: false,
  status: 200,
  response: 'openApiDocument',
  errors: [ValidationError],
} satisfies Route;
