import { Node, parse, parseTree, ParseError, printParseErrorCode } from 'jsonc-parser';
import { Diagnostic } from '../core/diagnostics';
import { fromPointer, LineIndex, SourceLocation } from '../core/source-location';
import { FileKind, ParsedFile } from './parsed-file';

/** Deepest nesting of arrays and objects accepted in a user JSON file. IAM documents need about 6. */
export const MAX_JSON_DEPTH = 32;

const PARSE_OPTIONS = { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false };

/**
 * One linear pass over JSON text, without recursion: where nesting first passes `limit` (or -1),
 * and the offsets of keys repeated within one object (JSON.parse keeps the last silently).
 */
function scanStructure(text: string, limit: number): { tooDeepAt: number; duplicateKeys: { offset: number; key: string; escaped: boolean }[] } {
  // per open object: decoded key -> whether its first spelling used an escape
  const objects: (Map<string, boolean> | null)[] = [];
  const duplicateKeys: { offset: number; key: string; escaped: boolean }[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      const start = i;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
      const keys = objects[objects.length - 1];
      if (!keys) continue;
      let j = i + 1;
      while (j < text.length && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 10 || text.charCodeAt(j) === 13 || text.charCodeAt(j) === 9)) j++;
      if (text.charCodeAt(j) !== 58) continue;
      const raw = text.slice(start + 1, i);
      const key = decodeKey(raw);
      const firstEscaped = keys.get(key);
      if (firstEscaped !== undefined) duplicateKeys.push({ offset: start, key, escaped: firstEscaped || raw !== key });
      else keys.set(key, raw !== key);
    } else if (c === 123 || c === 91) {
      objects.push(c === 123 ? new Map() : null);
      if (objects.length > limit) return { tooDeepAt: i, duplicateKeys };
    } else if (c === 125 || c === 93) objects.pop();
  }
  return { tooDeepAt: -1, duplicateKeys };
}

/**
 * A key as JSON.parse sees it: `"\u0045ffect"` is `Effect`, so the two are the same key and the
 * later one wins. Raw text is compared only when it has no escape, which is almost always.
 */
function decodeKey(raw: string): string {
  if (raw.indexOf('\\') < 0) return raw;
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw; // a malformed escape: JSON.parse of the whole text reports it
  }
}

function describeParseError(e: ParseError, text: string): string {
  const found = e.length > 0 ? text.slice(e.offset, e.offset + Math.min(e.length, 20)) : text.slice(e.offset, e.offset + 1);
  const what: Record<string, string> = {
    InvalidSymbol: 'an invalid symbol',
    InvalidNumberFormat: 'an invalid number',
    PropertyNameExpected: 'a property name in double quotes',
    ValueExpected: 'a value',
    ColonExpected: 'a colon',
    CommaExpected: 'a comma',
    CloseBraceExpected: 'a closing }',
    CloseBracketExpected: 'a closing ]',
    EndOfFileExpected: 'the end of the document',
    InvalidCommentToken: 'no comment (JSON has no comments)',
    UnexpectedEndOfComment: 'the end of the comment',
    UnexpectedEndOfString: 'a closing double quote',
    UnexpectedEndOfNumber: 'more digits',
    InvalidUnicode: 'a valid \\u escape',
    InvalidEscapeCharacter: 'a valid escape character',
    InvalidCharacter: 'a valid string character',
  };
  const code = printParseErrorCode(e.error);
  const expected = what[code] ?? code;
  return found.length > 0 ? `invalid JSON: found ${JSON.stringify(found)}; expected ${expected}` : `invalid JSON: expected ${expected}`;
}

/**
 * Parses a user JSON file strictly (no comments, no trailing commas, no duplicate keys), and keeps
 * the text so a JSON pointer can be turned into a line and column later.
 */
export function parseJsonFile<T = unknown>(
  path: string,
  kind: FileKind,
  text: string,
): { file: ParsedFile<T>; diagnostics: Diagnostic[] } | { file?: undefined; diagnostics: Diagnostic[] } {
  let lines: LineIndex | undefined;
  const at = (offset: number): SourceLocation => ({ file: path, ...(lines ??= new LineIndex(text)).position(offset) });

  const { tooDeepAt: tooDeep, duplicateKeys } = scanStructure(text, MAX_JSON_DEPTH);
  if (tooDeep >= 0) {
    return {
      diagnostics: [
        {
          code: 'json/too-deep',
          severity: 'error',
          message: `JSON nesting is deeper than ${MAX_JSON_DEPTH} levels; an IAM document needs at most 6`,
          location: at(tooDeep),
        },
      ],
    };
  }

  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const errors: ParseError[] = [];
    parse(text, errors, PARSE_OPTIONS);
    const first = errors[0];
    return {
      diagnostics: [
        first
          ? { code: 'json/syntax', severity: 'error', message: describeParseError(first, text), location: at(first.offset) }
          : { code: 'json/syntax', severity: 'error', message: 'invalid JSON', location: at(0) },
      ],
    };
  }

  const diagnostics: Diagnostic[] = duplicateKeys.map(({ offset, key, escaped }) => ({
    code: 'json/duplicate-key',
    severity: 'error',
    message: `key ${JSON.stringify(key)} appears twice in the same object${escaped ? ' (one spelling uses a JSON escape that decodes to the same key)' : ''}; only the last one would count`,
    location: at(offset),
    hint: escaped ? 'A reviewer reads the first value, AWS gets the last. Write keys without escapes and merge the two values into one key.' : 'Merge the two values into one key.',
  }));
  let tree: Node | undefined;
  const nodeAt = (pointer: string): Node | undefined => {
    tree ??= parseTree(text, [], PARSE_OPTIONS);
    return tree && walkToNearest(tree, fromPointer(pointer));
  };
  const file: ParsedFile<T> = {
    path,
    kind,
    text,
    value: value as T,
    locate: (pointer) => {
      const node = nodeAt(pointer);
      return { ...at(node?.offset ?? 0), pointer };
    },
    locateKey: (pointer) => {
      const node = nodeAt(pointer);
      const prop = node?.parent?.type === 'property' ? node.parent : undefined;
      return { ...at(prop?.offset ?? node?.offset ?? 0), pointer };
    },
  };
  return { file, diagnostics };
}

/** The node at `segments`, or the nearest ancestor that exists. */
function walkToNearest(root: Node, segments: string[]): Node {
  let node = root;
  for (const segment of segments) {
    let next: Node | undefined;
    if (node.type === 'object') next = node.children?.find((p) => p.children?.[0]?.value === segment)?.children?.[1];
    else if (node.type === 'array') next = node.children?.[Number(segment)];
    if (!next) break;
    node = next;
  }
  return node;
}
