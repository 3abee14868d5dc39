/**
 * A fast parser for the plain subset of YAML that Prism's files are written in: block mappings and
 * sequences, one-line plain and quoted scalars, comments. For anything else (flow collections,
 * anchors, tags, block or multi-line scalars, numbers and booleans, CRLF, tabs, any error) it
 * returns undefined and the caller uses the full `yaml` parser, which also reports every syntax
 * error. Where it answers, it gives exactly what `yaml` gives (a property test checks this); it
 * exists because `yaml` builds a full syntax tree per file, which was most of validation's time.
 */

/** Where a value sits in the text: its own offset and, for a mapping entry, its key's. */
export interface SimpleYamlNode {
  readonly offset: number;
  readonly keyOffset?: number;
  readonly entries?: Map<string, SimpleYamlNode>;
  readonly items?: SimpleYamlNode[];
}

/** Thrown inside the parser when the text leaves the subset; never escapes `parseSimpleYaml`. */
class OutsideSubset extends Error {}

const bail = (): never => {
  throw new OutsideSubset();
};

interface Line {
  /** Offset of the first non-space character. */
  readonly start: number;
  /** Offset of the line end (the newline, or the text's end). */
  readonly end: number;
  /** Column of `start`, counted in spaces. */
  readonly indent: number;
}

// plain scalars that YAML 1.2's core schema resolves to something other than a string
const NON_STRING =
  /^(?:~|null|Null|NULL|true|True|TRUE|false|False|FALSE|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;
// characters that may not start a plain scalar (YAML 1.2 c-indicator), or that start one we leave to `yaml`
const INDICATOR = new Set('-?:,[]{}#&*!|>\'"%@`'.split('').map((c) => c.charCodeAt(0)));
// the JSON escapes; YAML's others (\x, \0, \N, \_, \e, line folding...) go to `yaml`
const JSON_ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/g;

/** Parses `text` if it is in the subset; undefined means "use the full parser". */
export function parseSimpleYaml(text: string): { value: unknown; root: SimpleYamlNode } | undefined {
  try {
    return new SimpleYamlParser(text).parse();
  } catch (err) {
    if (err instanceof OutsideSubset) return undefined;
    throw err;
  }
}

class SimpleYamlParser {
  private readonly lines: Line[] = [];
  private next = 0;

  constructor(private readonly text: string) {}

  parse(): { value: unknown; root: SimpleYamlNode } {
    this.splitLines();
    if (this.lines.length === 0 || this.lines[0].indent !== 0) bail();
    const root = this.block(0);
    if (this.next !== this.lines.length) bail();
    return root;
  }

  /** Significant lines (not blank, not comment-only); anything unusual leaves the subset. */
  private splitLines(): void {
    const t = this.text;
    let pos = 0;
    while (pos < t.length) {
      let end = t.indexOf('\n', pos);
      if (end < 0) end = t.length;
      let i = pos;
      while (i < end && t.charCodeAt(i) === 32) i++;
      if (i < end && t.charCodeAt(i) !== 35) {
        // directives, document markers and the like
        if (i === pos && (t.startsWith('---', i) || t.startsWith('...', i) || t.charCodeAt(i) === 37)) bail();
        this.lines.push({ start: i, end, indent: i - pos });
      }
      for (let k = i; k < end; k++) {
        const c = t.charCodeAt(k);
        // tabs, CR and other control characters, and the Unicode line breaks YAML treats specially
        if (c < 32 || c === 0x7f || c === 0x85 || c === 0x2028 || c === 0x2029 || c === 0xfeff) bail();
      }
      pos = end + 1;
    }
  }

  /** The block (mapping or sequence) whose first line is the next one, at that line's indent. */
  private block(indent: number): { value: unknown; root: SimpleYamlNode } {
    const line = this.lines[this.next];
    return this.isSequenceItem(line) ? this.sequence(indent) : this.mapping(indent, line.start);
  }

  private isSequenceItem(line: Line): boolean {
    const t = this.text;
    return t.charCodeAt(line.start) === 45 && (line.start + 1 === line.end || t.charCodeAt(line.start + 1) === 32);
  }

  /** A block sequence whose items start with `- ` at `indent`. */
  private sequence(indent: number): { value: unknown; root: SimpleYamlNode } {
    const value: unknown[] = [];
    const items: SimpleYamlNode[] = [];
    const first = this.lines[this.next];
    while (this.next < this.lines.length) {
      const line = this.lines[this.next];
      // a line at the same indent that is not an item ends the sequence (the parent key's next sibling)
      if (line.indent < indent || (line.indent === indent && !this.isSequenceItem(line))) break;
      if (line.indent > indent) bail();
      let content = line.start + 1;
      while (content < line.end && this.text.charCodeAt(content) === 32) content++;
      if (content === line.end || this.text.charCodeAt(content) === 35) {
        // "-" alone: the item is the nested block below, or null
        this.next++;
        const child = this.nested(indent, false);
        value.push(child ? child.value : null);
        items.push(child ? child.root : { offset: content });
      } else if (this.startsMappingEntry(content, line.end)) {
        // "- key: value": a compact mapping whose keys line up with this key
        const column = line.indent + (content - line.start);
        const child = this.mapping(column, content);
        value.push(child.value);
        items.push(child.root);
      } else {
        if (this.text.charCodeAt(content) === 45 && this.text.charCodeAt(content + 1) === 32) bail(); // "- - x"
        value.push(this.scalar(content, line.end));
        items.push({ offset: content });
        this.next++;
        this.noContinuation(indent);
      }
    }
    return { value, root: { offset: first.start, items } };
  }

  /**
   * A block mapping at `indent`. Its first entry starts at `firstStart` on the current line (the
   * line's own start, or just after `- ` for a mapping inside a sequence item).
   */
  private mapping(indent: number, firstStart: number): { value: unknown; root: SimpleYamlNode } {
    const value: Record<string, unknown> = {};
    const entries = new Map<string, SimpleYamlNode>();
    let start = firstStart;
    while (this.next < this.lines.length) {
      const line = this.lines[this.next];
      if (start !== firstStart) {
        if (line.indent < indent) break;
        if (line.indent > indent || this.isSequenceItem(line)) {
          if (line.indent === indent && this.isSequenceItem(line)) break; // the parent sequence's next item
          bail();
        }
        start = line.start;
      }
      const { key, colon } = this.key(start, line.end);
      if (entries.has(key) || key === '__proto__' || key === '<<') bail(); // duplicates: `yaml` reports them
      let rest = colon + 1;
      while (rest < line.end && this.text.charCodeAt(rest) === 32) rest++;
      this.next++;
      if (rest === line.end || this.text.charCodeAt(rest) === 35) {
        if (rest !== line.end && rest === colon + 1) bail(); // "key:#x"
        const child = this.nested(indent, true);
        value[key] = child ? child.value : null;
        entries.set(key, child ? { ...child.root, keyOffset: start } : { offset: start, keyOffset: start });
      } else {
        value[key] = this.scalar(rest, line.end);
        entries.set(key, { offset: rest, keyOffset: start });
        this.noContinuation(indent);
      }
      start = -1;
    }
    return { value, root: { offset: firstStart, entries } };
  }

  /** The block nested under a key or `-` at `indent`, if the next line opens one. */
  private nested(indent: number, underKey: boolean): { value: unknown; root: SimpleYamlNode } | undefined {
    const line = this.lines[this.next];
    if (!line) return undefined;
    if (line.indent > indent) return this.block(line.indent);
    // YAML lets a sequence under a key sit at the key's own indent
    if (underKey && line.indent === indent && this.isSequenceItem(line)) return this.sequence(indent);
    return undefined;
  }

  /** A scalar ends its line: a more-indented line after it would be a continuation or an error. */
  private noContinuation(indent: number): void {
    const line = this.lines[this.next];
    if (line && line.indent > indent) bail();
  }

  /** Whether `key:` (plain or quoted) starts at `start`. */
  private startsMappingEntry(start: number, end: number): boolean {
    const t = this.text;
    const c = t.charCodeAt(start);
    if (c === 34 || c === 39) {
      const close = this.closingQuote(start, end);
      return close >= 0 && t.charCodeAt(close + 1) === 58;
    }
    return this.plainKeyColon(start, end) >= 0;
  }

  /** The colon of a plain `key: ` at `start`, or -1 when the line is not a mapping entry. */
  private plainKeyColon(start: number, end: number): number {
    const t = this.text;
    for (let i = start; i < end; i++) {
      const c = t.charCodeAt(i);
      if (c === 58 && (i + 1 === end || t.charCodeAt(i + 1) === 32)) return i;
      if (c === 35 && i > start && t.charCodeAt(i - 1) === 32) return -1; // a comment before any colon
    }
    return -1;
  }

  private key(start: number, end: number): { key: string; colon: number } {
    const t = this.text;
    const c = t.charCodeAt(start);
    if (c === 34 || c === 39) {
      const close = this.closingQuote(start, end);
      if (close < 0 || t.charCodeAt(close + 1) !== 58) bail();
      if (close + 2 < end && t.charCodeAt(close + 2) !== 32) bail();
      return { key: this.quoted(start, close), colon: close + 1 };
    }
    const colon = this.plainKeyColon(start, end);
    if (colon < 0) bail();
    let last = colon;
    while (last > start && t.charCodeAt(last - 1) === 32) last--;
    const key = t.slice(start, last);
    this.checkPlain(key);
    return { key, colon };
  }

  /** A one-line scalar from `start` to the line end (less a trailing comment). */
  private scalar(start: number, end: number): unknown {
    const t = this.text;
    const c = t.charCodeAt(start);
    if (c === 34 || c === 39) {
      const close = this.closingQuote(start, end);
      if (close < 0) bail(); // a multi-line quoted scalar
      let i = close + 1;
      while (i < end && t.charCodeAt(i) === 32) i++;
      if (i < end && (t.charCodeAt(i) !== 35 || i === close + 1)) bail();
      return this.quoted(start, close);
    }
    let stop = end;
    for (let i = start; i < end; i++) {
      if (t.charCodeAt(i) === 35 && t.charCodeAt(i - 1) === 32) {
        stop = i;
        break;
      }
    }
    while (stop > start && t.charCodeAt(stop - 1) === 32) stop--;
    const s = t.slice(start, stop);
    this.checkPlain(s);
    if (s.indexOf(': ') >= 0 || s.endsWith(':')) bail(); // a nested mapping on one line: an error in YAML
    return s;
  }

  /** A plain scalar must not start with an indicator, and must be a string in the core schema. */
  private checkPlain(s: string): void {
    if (s.length === 0 || INDICATOR.has(s.charCodeAt(0)) || NON_STRING.test(s)) bail();
  }

  /** The offset of the quote closing the scalar opened at `start`, or -1 if it is not on this line. */
  private closingQuote(start: number, end: number): number {
    const t = this.text;
    const q = t.charCodeAt(start);
    for (let i = start + 1; i < end; i++) {
      const c = t.charCodeAt(i);
      if (q === 34 && c === 92) i++;
      else if (c === q) {
        if (q === 39 && t.charCodeAt(i + 1) === 39) i++;
        else return i;
      }
    }
    return -1;
  }

  private quoted(start: number, close: number): string {
    const body = this.text.slice(start + 1, close);
    if (this.text.charCodeAt(start) === 39) return body.indexOf("'") < 0 ? body : body.replace(/''/g, "'");
    if (body.indexOf('\\') < 0) return body;
    if (body.replace(JSON_ESCAPE, '').indexOf('\\') >= 0) bail();
    return JSON.parse(`"${body}"`) as string;
  }
}
