import { en } from 'zod/locales';
import * as z from 'zod/mini';

/**
 * zod/mini loads no locale, so every issue would read "Invalid input". The English one, about 3 KiB where all of
 * `z.locales` would be 260, gives the field messages the classic API gave ("Too small: expected string to have >=1
 * characters"), and the problem responses list them. zod writes an issue's message as it parses, so the modules that
 * declare request schemas import this one, and it runs before any of their schemas parses. It is not in
 * lib/http/input.ts, which every route imports: the routes that parse nothing (openapi, not found) then load no zod.
 */
z.config(en());
