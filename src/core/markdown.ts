/**
 * The one encoder for text that reaches GitHub markdown: the preview comment, the drift issue, the
 * job summaries and `--format markdown`. Every piece of free text (Terraform's errors, descriptions,
 * file names, anything from a user file or from AWS) goes through `mdText` or `mdCode`, so nothing
 * in it can open HTML or a comment, make a link, an image or a mention, break a table cell, or start
 * a new line. Tested on a hostile corpus with a real GFM renderer.
 */

/** Every line break a markdown renderer may honour. */
const BREAKS = /\r\n|[\n\r\v\f\u0085\u2028\u2029]/g;

/** Free text as inline markdown: shown exactly as written, one line, safe inside a table cell. */
export function mdText(text: string): string {
  return text
    .replace(BREAKS, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_{}[\]#|~])/g, '\\$1')
    .replace(/@/g, '@\u200b') // no @mention, no email autolink
    .replace(/:\/\//g, ':\u200b//') // no autolinked URL
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}\u200b.`);
}

/**
 * A name as inline code (file names, addresses, codes): the fence adapts to any backticks inside,
 * line breaks become spaces, and `|` is escaped so it never splits a table cell.
 */
export function mdCode(name: string): string {
  return codeSpan(name.replace(BREAKS, ' ').replace(/\|/g, '\\|'));
}

/**
 * The same outside a table (a list item, a paragraph): `|` stays as it is, since a backslash in a
 * code span is shown as typed everywhere but in a table cell.
 */
export function mdCodeInline(name: string): string {
  return codeSpan(name.replace(BREAKS, ' '));
}

function codeSpan(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = longest || /^ | $/.test(text) ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A fenced block (a diff, a document): the fence is longer than any run of backticks in it. */
export function mdFenced(lang: string, text: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${text}\n${fence}`;
}

/**
 * A link: free text as its label, and only an http(s) URL as its target, percent-encoded so that it
 * cannot end the link or split a table cell. Anything else (javascript:, a relative path, no URL)
 * gives the label alone, as text.
 */
export function mdLink(label: string, url: string | undefined, options: { readonly code?: boolean } = {}): string {
  const text = options.code ? mdCode(label) : mdText(label);
  const href = safeHttpUrl(url);
  return href ? `[${text}](${href})` : text;
}

/** An absolute http(s) URL, normalised and percent-encoded for a markdown link target; undefined otherwise. */
export function safeHttpUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return undefined;
  return u.href.replace(/[()<>|\\`*_[\]\s"']/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
