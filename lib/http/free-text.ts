import * as z from 'zod/mini';
import './zod-locale';

/**
 * Characters free text may not hold: control characters (C0 and C1, with CR, LF, TAB and NUL), format characters
 * (category Cf: the bidi controls U+202A–U+202E, U+2066–U+2069, U+200E, U+200F and U+061C, and U+FEFF, U+200B, …)
 * and the line and paragraph separators, which break a line as LF does. Each lets a payer make the text another user
 * reads in a statement look other than it is.
 */
const forbidden = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;

/**
 * A free-text field (a name, a description): refused if it holds a forbidden character anywhere, checked before
 * trimming, since `trim()` would silently drop a leading U+FEFF or a trailing LF; then NFC-normalized and trimmed, so
 * text that looks the same is stored the same, and its length bounded as the caller reads it.
 */
export function freeText(bounds: { minLength: number; maxLength: number }) {
  return z.string().check(
    z.refine((text) => !forbidden.test(text), 'Must not contain control, format or bidirectional characters.'),
    z.normalize('NFC'),
    z.trim(),
    z.minLength(bounds.minLength),
    z.maxLength(bounds.maxLength),
  );
}
