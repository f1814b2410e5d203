// PREVIEW (RFC 8970 §3.3): plain text, UTF-8, at most 200 characters (never above 256), taken from
// the stored body text (text/* parts after transfer and charset decoding), whitespace collapsed.

/** RFC 8970 §3.3: "SHOULD limit ... to 200 preview characters". */
export const PREVIEW_CHARS = 200;

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Body text -> preview text; "" when there is nothing to show (§3.2: a zero-length string). */
export function previewText(bodyText: string): string {
  // Only the start is needed; a generous slice keeps a huge body from being processed whole.
  let text = bodyText.slice(0, 16 * 1024);
  // HTML parts arrive as markup: drop style/script blocks and tags, decode the common entities (§3.3).
  if (/<[a-zA-Z!/][^>]*>/.test(text)) {
    text = text
      .replace(/<(style|script)\b[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<[^>]*>/g, ' ')
      .replace(/&(#\d+|#x[0-9a-f]+|[a-z]+);/gi, (m, e: string) => {
        if (e.startsWith('#x') || e.startsWith('#X')) return String.fromCodePoint(parseInt(e.slice(2), 16) || 32);
        if (e.startsWith('#')) return String.fromCodePoint(Number(e.slice(1)) || 32);
        return ENTITIES[e.toLowerCase()] ?? m;
      });
  }
  const flat = text.replace(/\s+/gu, ' ').trim();
  // Count characters (code points), not UTF-16 units, so that no surrogate pair is cut.
  const chars = Array.from(flat);
  return chars.length <= PREVIEW_CHARS ? flat : chars.slice(0, PREVIEW_CHARS).join('').trimEnd();
}
