import fc from 'fast-check';
import { escapeHtml, safeHttpUrl } from '../../src/dashboard/html';

/** A reference decoder for what escapeHtml produces (the five entities only). */
const decode = (s: string) => s.replace(/&(amp|lt|gt|quot|#39);/g, (_, n: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[n]!);

// text that tries to break out of element content, attributes, comments, SVG and script contexts
const HOSTILE = [
  '<script>alert(1)</script>',
  '"><img src=x onerror=alert(1)>',
  "' onmouseover='alert(1)",
  '</td></tr></table><h1>injected</h1>',
  '<!-- comment --> <![CDATA[ x ]]>',
  '</title></svg><svg onload=alert(1)>',
  '</style><style>body{display:none}</style>',
  '&lt;already escaped&gt; &amp;amp; &#60;script&#62; &#x3C;',
  'javascript:alert(1)',
  '{{constructor.constructor("alert(1)")()}} ${alert(1)} `backticks`',
  'Error: reading IAM Policy version (<nil>): couldn\'t find resource',
  'line one\nline two\r\nline three\ttabbed',
  'nul \u0000 bell \u0007 escape \u001b del \u007f c1 \u0085 \u009b',
  'lone high \ud800 lone low \udc00 pair 😀 ok',
  'bidi \u202e override \u2066 isolate \u2028 line sep \u2029 para sep',
  'noncharacters \ufdd0 \ufffe \uffff',
  'a'.repeat(10000) + '<b>',
];

describe('escapeHtml, the one HTML encoder of the dashboard', () => {
  test.each(HOSTILE.map((t) => [t.length > 60 ? `${t.slice(0, 40)}... (${t.length} chars)` : t, t]))('leaves no markup in %j', (_name, text) => {
    const out = escapeHtml(text);
    expect(out).not.toMatch(/[<>"']/);
    // every & starts one of the five entities: nothing the input says can form another entity
    expect(out.replace(/&(amp|lt|gt|quot|#39);/g, '')).not.toContain('&');
    // C0/C1 controls (other than tab, LF, CR), noncharacters and lone surrogates never get through
    expect(out).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufdd0-\ufdef\ufffe\uffff]/);
    expect(out).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
  });

  test('round-trips printable text exactly, so people see what Terraform said', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (s) => {
        const printable = s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufdd0-\ufdef\ufffe\uffff]/g, '');
        expect(decode(escapeHtml(printable))).toBe(printable);
      }),
      { numRuns: 500 },
    );
  });

  test('keeps what a browser can show: emoji, accents, bidi controls, newlines', () => {
    expect(escapeHtml('😀 é \u202e\n')).toBe('😀 é \u202e\n');
    expect(escapeHtml('a & b < c')).toBe('a &amp; b &lt; c');
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
  });

  test('replaces what HTML cannot carry with U+FFFD', () => {
    expect(escapeHtml('x\u0000y\ud800z')).toBe('x\ufffdy\ufffdz');
  });
});

describe('safeHttpUrl', () => {
  test('keeps http(s) links', () => {
    expect(safeHttpUrl('https://github.com/acme/iam/actions/runs/1')).toBe('https://github.com/acme/iam/actions/runs/1');
  });

  test.each(['javascript:alert(1)', 'JaVaScRiPt:alert(1)', ' javascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:x', 'file:///etc/passwd', '/relative', '', 'not a url'])('rejects %j', (u) => {
    expect(safeHttpUrl(u)).toBeUndefined();
  });

  test('a kept URL is still escaped where it is written', () => {
    const url = safeHttpUrl('https://example.com/?a="><script>')!;
    expect(escapeHtml(url)).not.toMatch(/[<>"]/);
  });
});
