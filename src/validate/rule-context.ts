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

export { didYouMean, editDistance } from '../core/suggest';
