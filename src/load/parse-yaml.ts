import { isMap, isScalar, isSeq, LineCounter, Node as YamlNode, parseDocument, Pair } from 'yaml';
import { Diagnostic } from '../core/diagnostics';
import { fromPointer, LineIndex, SourceLocation } from '../core/source-location';
import { FileKind, ParsedFile } from './parsed-file';
import { parseSimpleYaml, SimpleYamlNode } from './simple-yaml';

/** Most alias expansions accepted in one YAML file; a "billion laughs" file needs millions. */
export const MAX_YAML_ALIASES = 100;

/** Options for `parseYamlFile`. */
export interface ParseYamlOptions {
  /** Try the fast subset parser first. @default true */
  readonly fastPath?: boolean;
}

/**
 * Parses a user YAML file (one document, unique keys, bounded aliases) and keeps the syntax tree
 * so a JSON pointer can be turned into a line and column later.
 */
export function parseYamlFile<T = unknown>(
  path: string,
  kind: FileKind,
  text: string,
  options: ParseYamlOptions = {},
): { file: ParsedFile<T>; diagnostics: Diagnostic[] } | { file?: undefined; diagnostics: Diagnostic[] } {
  const simple = options.fastPath === false ? undefined : parseSimpleYaml(text);
  if (simple) return { file: simpleFile<T>(path, kind, text, simple.value, simple.root), diagnostics: [] };

  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true });
  const at = (offset: number): SourceLocation => {
    const pos = lineCounter.linePos(offset);
    return { file: path, line: pos.line, column: pos.col };
  };

  if (doc.errors.length > 0) {
    return {
      diagnostics: doc.errors.map((e) => ({
        code: e.code === 'DUPLICATE_KEY' ? 'yaml/duplicate-key' : 'yaml/syntax',
        severity: 'error' as const,
        message: `invalid YAML: ${firstLine(e.message)}`,
        location: at(e.pos[0]),
      })),
    };
  }

  // keys that differ in YAML but not once converted: `true` and "true", `1` and "1", `null` and ""
  const collisions = stringKeyCollisions(doc.contents);
  if (collisions.length > 0) {
    return {
      diagnostics: collisions.map(({ key, offset }) => ({
        code: 'yaml/duplicate-key',
        severity: 'error' as const,
        message: `key ${JSON.stringify(key)} appears twice in the same mapping once YAML types are converted to text; only the last one would count`,
        location: at(offset),
        hint: 'Quote keys and merge the two values into one key.',
      })),
    };
  }

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (err) {
    return {
      diagnostics: [
        {
          code: 'yaml/alias-limit',
          severity: 'error',
          message: `YAML aliases expand too far (${firstLine(String((err as Error).message))}); at most ${MAX_YAML_ALIASES} alias expansions are allowed`,
          location: at(0),
          hint: 'Write the values out instead of using anchors and aliases.',
        },
      ],
    };
  }

  const find = (pointer: string): { node?: YamlNode | null; pair?: Pair } => {
    let node: unknown = doc.contents;
    let pair: Pair | undefined;
    for (const segment of fromPointer(pointer)) {
      if (isMap(node)) {
        const p = node.items.find((it) => (isScalar(it.key) ? String(it.key.value) : String(it.key)) === segment);
        if (!p) break;
        pair = p as Pair;
        node = p.value;
      } else if (isSeq(node)) {
        const item = node.items[Number(segment)];
        if (item === undefined) break;
        pair = undefined;
        node = item;
      } else break;
    }
    return { node: node as YamlNode | null, pair };
  };
  const offsetOf = (n: unknown): number | undefined => (n && typeof n === 'object' && 'range' in n ? (n as YamlNode).range?.[0] : undefined);

  const file: ParsedFile<T> = {
    path,
    kind,
    text,
    value: value as T,
    locate: (pointer) => {
      const { node, pair } = find(pointer);
      return { ...at(offsetOf(node) ?? offsetOf(pair?.key) ?? 0), pointer };
    },
    locateKey: (pointer) => {
      const { node, pair } = find(pointer);
      return { ...at(offsetOf(pair?.key) ?? offsetOf(node) ?? 0), pointer };
    },
  };
  const diagnostics: Diagnostic[] = doc.warnings.map((w) => ({
    code: 'yaml/warning',
    severity: 'warning' as const,
    message: firstLine(w.message),
    location: at(w.pos[0]),
  }));
  return { file, diagnostics };
}

/** Keys of one mapping that are distinct YAML values but the same object key in JavaScript. */
function stringKeyCollisions(root: unknown): { key: string; offset: number }[] {
  const out: { key: string; offset: number }[] = [];
  const visit = (node: unknown, depth: number): void => {
    if (depth > 64) return;
    if (isMap(node)) {
      const seen = new Set<string>();
      for (const pair of node.items) {
        const k = pair.key;
        const text = isScalar(k) ? (k.value === null || k.value === undefined ? '' : String(k.value)) : String(k);
        if (seen.has(text)) out.push({ key: text, offset: (k as YamlNode | null)?.range?.[0] ?? 0 });
        seen.add(text);
        visit(pair.value, depth + 1);
      }
    } else if (isSeq(node)) for (const item of node.items) visit(item, depth + 1);
  };
  visit(root, 0);
  return out;
}

/** A ParsedFile over the fast parser's result: pointers are resolved through its node tree. */
function simpleFile<T>(path: string, kind: FileKind, text: string, value: unknown, root: SimpleYamlNode): ParsedFile<T> {
  let lines: LineIndex | undefined;
  const at = (offset: number): SourceLocation => ({ file: path, ...(lines ??= new LineIndex(text)).position(offset) });
  const find = (pointer: string): SimpleYamlNode => {
    let node = root;
    for (const segment of fromPointer(pointer)) {
      const next = node.entries ? node.entries.get(segment) : node.items?.[Number(segment)];
      if (!next) break;
      node = next;
    }
    return node;
  };
  return {
    path,
    kind,
    text,
    value: value as T,
    locate: (pointer) => ({ ...at(find(pointer).offset), pointer }),
    locateKey: (pointer) => {
      const node = find(pointer);
      return { ...at(node.keyOffset ?? node.offset), pointer };
    },
  };
}

function firstLine(s: string): string {
  return s.split('\n')[0];
}
