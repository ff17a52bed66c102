import * as z from 'zod/mini';
import { roles } from './model';

/*
 * The identity routes' response schemas. The OpenAPI document describes the responses with them
 * (lib/openapi/responses.ts), and `UserView` is inferred from them (./schemas.ts exports it too); no handler parses
 * its own answer.
 */

/** A user as the API shows it: never the hash. */
export const userView = z.object({
  id: z.string(),
  email: z.string(),
  name: z.nullable(z.string()),
  role: z.enum(roles),
  createdAt: z.string(),
});
export type UserView = z.infer<typeof userView>;

/** What login answers. */
export const accessTokenView = z.object({
  accessToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().check(z.int()),
});
