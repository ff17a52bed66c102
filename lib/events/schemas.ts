import * as z from 'zod/mini';
import '../http/zod-locale';
import { instant, issuedId } from '../view-fields';
import { eventTypes } from './model';

/** `GET /v1/events`: page size 1–100 (default 20), a cursor from the previous page, and a type to keep. */
export const eventListQuery = z.strictObject({
  limit: z._default(z.coerce.number<string>().check(z.int(), z.minimum(1), z.maximum(100)), 20),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
  type: z.optional(z.enum(eventTypes)),
});

/** An event as the API answers it: its object as `GET` shows it to the reader, and the accounts it touches. */
export const eventViewSchema = z.object({
  id: issuedId,
  type: z.enum(eventTypes),
  createdAt: instant,
  /** The account, transaction or hold as `GET` shows it to the reader (balances only on its own accounts), and `accounts`. */
  data: z.looseObject({
    /** Each account the change touches, with its entry's shard and number there (`null` when it posted no entry). */
    accounts: z.array(z.object({ accountId: issuedId, shard: z.nullable(z.int()), seq: z.nullable(z.int()) })),
  }),
});
