import { countBySeverity, Diagnostic, diagnosticToJson, formatDiagnosticText, Severity } from '../core/diagnostics';
import { PLAIN, Paint } from '../core/paint';

/** Diagnostic counts of one file. */
export interface FileSummary {
  readonly file: string;
  readonly error: number;
  readonly warning: number;
  readonly note: number;
}

/** Counts of a validation run: totals, and per file with diagnostics (in diagnostic order). */
export interface ValidationSummary extends Record<Severity, number> {
  /** Files read. */
  readonly files: number;
  readonly byFile: readonly FileSummary[];
}

/** Counts diagnostics per severity, in total and per file. */
export function summarizeValidation(diagnostics: readonly Diagnostic[], filesChecked: number): ValidationSummary {
  const byFile = new Map<string, { error: number; warning: number; note: number }>();
  for (const d of diagnostics) {
    const file = d.location?.file ?? '(repository)';
    const counts = byFile.get(file) ?? { error: 0, warning: 0, note: 0 };
    counts[d.severity]++;
    byFile.set(file, counts);
  }
  return { ...countBySeverity(diagnostics), files: filesChecked, byFile: [...byFile].map(([file, c]) => ({ file, ...c })) };
}

const plural = (n: number, word: string) => `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;

/** `1 error, 2 warnings` (zero counts left out), or `no problems`. */
function countsText(c: { error: number; warning: number; note: number }): string {
  const parts = [c.error && plural(c.error, 'error'), c.warning && plural(c.warning, 'warning'), c.note && plural(c.note, 'note')].filter(Boolean);
  return parts.length ? parts.join(', ') : 'no problems';
}

/** Options of `renderValidationText`. */
export interface ValidationTextOptions {
  /** Errors only, and the totals: no warnings, notes or per-file summaries (eslint's --quiet). @default false */
  readonly quiet?: boolean;
  /** Colours for a terminal. @default PLAIN */
  readonly paint?: Paint;
}

/**
 * `--format text`: each file's diagnostics followed by a one-line summary of that file, then the
 * totals (`N error(s), N warning(s), N note(s) in M of F files`). Quiet: the errors and the totals.
 */
export function renderValidationText(diagnostics: readonly Diagnostic[], filesChecked: number, options: ValidationTextOptions = {}): string {
  const paint = options.paint ?? PLAIN;
  const summary = summarizeValidation(diagnostics, filesChecked);
  const lines: string[] = [];
  if (options.quiet) {
    for (const d of diagnostics) if (d.severity === 'error') lines.push(formatDiagnosticText(d, paint));
  } else {
    let i = 0;
    for (const f of summary.byFile) {
      for (; i < diagnostics.length && (diagnostics[i].location?.file ?? '(repository)') === f.file; i++) lines.push(formatDiagnosticText(diagnostics[i], paint));
      lines.push(`${paint.bold(f.file)}: ${countsText(f)}`, '');
    }
    // diagnostics are sorted by file, so the loop above printed them all; this is a guard for unsorted input
    for (; i < diagnostics.length; i++) lines.push(formatDiagnosticText(diagnostics[i], paint));
  }
  const totals = `${summary.error} error(s), ${summary.warning} warning(s), ${summary.note} note(s) in ${summary.byFile.length.toLocaleString('en-US')} of ${plural(summary.files, 'file')} checked`;
  lines.push(summary.error ? paint.error(totals) : totals);
  return lines.join('\n') + '\n';
}

/** `--format json`: every diagnostic, the totals, and the counts per file. */
export function renderValidationJson(diagnostics: readonly Diagnostic[], filesChecked: number): string {
  const summary = summarizeValidation(diagnostics, filesChecked);
  return (
    JSON.stringify(
      {
        diagnostics: diagnostics.map(diagnosticToJson),
        counts: { error: summary.error, warning: summary.warning, note: summary.note, files: summary.files, filesWithDiagnostics: summary.byFile.length },
        files: summary.byFile,
      },
      null,
      2,
    ) + '\n'
  );
}
