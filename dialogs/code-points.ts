/**
 * Text lengths as people count them: in characters (code points), not UTF-16 units, so an
 * emoji counts once and a cut never splits one in two (half an emoji is stored as U+FFFD).
 *
 * @example codePointLength('👍🏽 ok') // 5 (the emoji and its skin tone are two code points)
 */
export function codePointLength(text: string): number {
  let count = 0;
  // Each code point is one or two UTF-16 units; a high surrogate starts a pair.
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i += 1;
    }
    count += 1;
  }
  return count;
}

/** The first `max` code points of `text` (never half a surrogate pair). */
export function sliceCodePoints(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = 0;
  let count = 0;
  for (const char of text) {
    if (count === max) break;
    end += char.length;
    count += 1;
  }
  return text.slice(0, end);
}

/** False when the text holds half a surrogate pair (it cannot be stored as it is). */
export function isWholeText(text: string): boolean {
  return !/\p{Cs}/u.test(text);
}
