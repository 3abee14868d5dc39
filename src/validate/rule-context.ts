import { Diagnostic, Severity } from '../core/diagnostics';
import { escapePointerSegment } from '../core/source-location';
import { ParsedFile } from '../load/parsed-file';

/** Collects diagnostics for one file, turning JSON pointers into locations. */
export class FileReporter {
  readonly diagnostics: Diagnostic[] = [];

  constructor(readonly file: ParsedFile) {}

  /** Reports at the value `pointer` points to (or at its key, with `at: 'key'`). */
  report(
    severity: Severity,
    code: string,
    pointer: string,
    message: string,
    options: { hint?: string; at?: 'key' | 'value' } = {},
  ): void {
    const location = options.at === 'key' ? this.file.locateKey(pointer) : this.file.locate(pointer);
    this.diagnostics.push({ code, severity, message, location, ...(options.hint ? { hint: options.hint } : {}) });
  }

  error(code: string, pointer: string, message: string, options?: { hint?: string; at?: 'key' | 'value' }): void {
    this.report('error', code, pointer, message, options);
  }

  warning(code: string, pointer: string, message: string, options?: { hint?: string; at?: 'key' | 'value' }): void {
    this.report('warning', code, pointer, message, options);
  }
}

/** Appends a segment to a JSON pointer. */
export function child(pointer: string, segment: string | number): string {
  // most segments are indexes and plain keys: nothing to escape
  if (typeof segment === 'number' || (segment.indexOf('~') < 0 && segment.indexOf('/') < 0)) return `${pointer}/${segment}`;
  return `${pointer}/${escapePointerSegment(segment)}`;
}

/** A short, quoted rendering of a user value for messages. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  const s = JSON.stringify(value);
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}

/** Levenshtein distance, for "did you mean" hints. */
export function editDistance(a: string, b: string): number {
  const prev = new Array(b.length + 1).fill(0).map((_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** The closest candidate to `word` (case-insensitive), if it is close enough to be a likely typo. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(w, c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(word.length / 4)) ? best : undefined;
}
