/**
 * The markdown encoder against a hostile corpus, checked with a real GFM renderer (markdown-it with
 * tables, raw HTML and linkify on, as GitHub renders comments): every string stays plain text in
 * its own table cell, with no element, link, image, comment or mention, and reads as written.
 */
import MarkdownIt from 'markdown-it';
import { mdCode, mdLink, mdText } from '../../src/core/markdown';

const md = new MarkdownIt({ html: true, linkify: true });

const HOSTILE = [
  '<!-- the rest of the comment is hidden',
  'before\r<!-- hidden after a carriage return',
  '-->',
  '<img src=x onerror=alert(1)>',
  '<details><summary>x</summary>',
  '<script>alert(1)</script>',
  '[click](https://evil.example/phish)',
  '![img](https://evil.example/x.png)',
  'see https://evil.example/x and www.evil.example',
  'mail me: attacker@evil.example',
  '@octocat and @acme/security please look',
  'fixes #123',
  'a | b | c',
  'cell\\|escape',
  '**bold** _it_ ~~strike~~ `code` ``x``',
  'line one\nline two',
  'line\u2028separator\u2029paragraph\u0085next\vtab\fform',
  '# heading',
  '> quote',
  '- list',
  '&lt; already an entity &amp;',
  'policies/a|b.json:3:1',
  'deleting IAM Policy (arn:aws:iam::111111111111:policy/Prism-A): DeleteConflict: Cannot delete a policy attached to entities.',
  '\\',
  '',
];

/** The rendered table's body cells, as text, and whether anything but text was rendered. */
function renderInTable(cell: string): { cells: string[]; html: string } {
  const html = md.render(`| a | b |\n| --- | --- |\n| x | ${cell} |\n`);
  const row = /<tbody>\s*<tr>([\s\S]*?)<\/tr>/.exec(html)?.[1] ?? '';
  const cells = [...row.matchAll(/<td>([\s\S]*?)<\/td>/g)].map((m) => m[1]);
  return { cells, html };
}

const decode = (html: string) => html.replace(/<\/?code>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\u200b/g, '');

describe('mdText', () => {
  test.each(HOSTILE)('keeps %j as plain text in one table cell', (text) => {
    const { cells, html } = renderInTable(mdText(text));
    expect(cells).toHaveLength(2);
    expect(html).not.toMatch(/<(a|img|script|details|summary|h\d|blockquote|ul|li|strong|em|s|del)\b/);
    expect(html).not.toContain('<!--');
    expect(html).not.toMatch(/@[A-Za-z]/);
    expect(decode(cells[1])).toBe(text.replace(/\r\n|[\n\r\v\f\u0085\u2028\u2029]/g, ' ').trim());
  });
});

describe('mdCode', () => {
  test.each(HOSTILE.filter(Boolean))('keeps %j as one code span in one table cell', (text) => {
    const { cells, html } = renderInTable(mdCode(text));
    expect(cells).toHaveLength(2);
    expect(html).not.toMatch(/<(a|img|script|details)\b/);
    expect(cells[1]).toMatch(/^<code>[\s\S]*<\/code>$/);
  });
});

describe('mdLink', () => {
  const URLS = [
    'https://github.com/acme/iam/actions/runs/42',
    'https://github.com/acme/iam/commit/abc) [evil](https://evil.example',
    'https://github.com/a|b/c',
    'https://x.example/a b<script>',
    'https://x.example/"onmouseover="alert(1)',
  ];
  test.each(HOSTILE.filter(Boolean).flatMap((label) => URLS.map((url) => [label, url])))('label %j to %j: one link, to that http(s) address, its label as text, in one cell', (label, url) => {
    const { cells, html } = renderInTable(mdLink(label, url));
    expect(cells).toHaveLength(2);
    const links = [...html.matchAll(/<a href="([^"]*)"/g)].map((m) => m[1]);
    expect(links).toHaveLength(1);
    expect(links[0]).toMatch(/^https:\/\/(github\.com|x\.example)\//);
    expect(links[0]).not.toMatch(/[\s<>"()|]/);
    expect(html).not.toMatch(/<(img|script|details|summary|h\d|blockquote|ul|li|strong|em|s|del)\b/);
    expect(decode(cells[1].replace(/^<a href="[^"]*">|<\/a>$/g, ''))).toBe(label.replace(/\r\n|[\n\r\v\f\u0085\u2028\u2029]/g, ' ').trim());
  });

  test.each(['javascript:alert(1)', 'data:text/html,<script>', '/relative/path', 'ftp://x.example/', '', 'not a url'])('%j is no link: the label alone, as text', (url) => {
    const { html } = renderInTable(mdLink('run', url));
    expect(html).not.toContain('<a');
    expect(html).toContain('run');
  });
});
