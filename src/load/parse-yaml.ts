import { isMap, isScalar, isSeq, LineCounter, Node as YamlNode, parseDocument, Pair } from 'yaml';
import { Diagnostic } from '../core/diagnostics';
import { fromPointer, SourceLocation } from '../core/source-location';
import { FileKind, ParsedFile } from './parsed-file';

/** Most alias expansions accepted in one YAML file; a "billion laughs" file needs millions. */
export const MAX_YAML_ALIASES = 100;

/**
 * Parses a user YAML file (one document, unique keys, bounded aliases) and keeps the syntax tree
 * so a JSON pointer can be turned into a line and column later.
 */
export function parseYamlFile<T = unknown>(
  path: string,
  kind: FileKind,
  text: string,
): { file: ParsedFile<T>; diagnostics: Diagnostic[] } | { file?: undefined; diagnostics: Diagnostic[] } {
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

function firstLine(s: string): string {
  return s.split('\n')[0];
}
