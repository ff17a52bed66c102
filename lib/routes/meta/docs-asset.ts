import * as z from 'zod/mini';
import { ValidationError } from '../../errors';
import '../../http/zod-locale';
import type { Route } from '../route';

/** Scalar's standalone bundle, as the package of the asset route ships it, under the function's root. */
export const scalarFile = 'node_modules/@scalar/api-reference/dist/browser/standalone.js';

/** The scripts the reference page loads: Scalar's standalone bundle, and what starts it. */
export const docsAssetParams = z.strictObject({ asset: z.enum(['scalar.js', 'init.js']) });

/** `GET /docs/{asset}`: a script of the reference page, served by the API so that the page needs no other origin. */
export const route = {
  name: 'docsAsset',
  handler: 'functions/meta/docs-asset.handler',
  method: 'GET',
  path: '/docs/{asset}',
  summary: 'A script of the API reference page',
  description: "One of the scripts `/docs` loads: Scalar's standalone bundle (`scalar.js`) or the one that starts it "
    + '(`init.js`). Any other name is `400 validation_failed`.',
  tag: 'meta',
  auth: false,
  params: docsAssetParams,
  status: 200,
  media: 'text/javascript; charset=utf-8',
  errors: [ValidationError],
  ships: [scalarFile],
} satisfies Route;
