/**
 * The dashboard's one encoder for HTML. Every piece of text that reaches a page (Terraform errors,
 * descriptions, names, commit messages, URLs in attributes, SVG titles) goes through `escapeHtml`.
 * Tested on a hostile corpus in test/dashboard/html.test.ts.
 */

const NEEDS_WORK = /[&<>"'\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]/;
const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Encodes text for HTML element content and for double- or single-quoted attribute values.
 * `& < > " '` become entities. Characters HTML cannot carry (C0 controls other than tab, LF and CR,
 * DEL, C1 controls, noncharacters and lone surrogates) become U+FFFD, so what the browser shows is
 * exactly what the string says, or a visible replacement.
 */
export function escapeHtml(text: string): string {
  // most text (IDs, times, names) needs nothing: one scan, no copy
  if (!NEEDS_WORK.test(text)) return text;
  return text.replace(/[&<>"']|[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufdd0-\ufdef\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, (c) => ENTITIES[c] ?? '\ufffd');
}

/**
 * A link target from the ledger or the command line, or undefined when it is not an absolute
 * http(s) URL (so `javascript:` and `data:` never become links). The result still goes through
 * `escapeHtml` when written into an attribute.
 */
export function safeHttpUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}
