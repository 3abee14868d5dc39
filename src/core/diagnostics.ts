import { PLAIN, Paint } from './paint';
import { SourceLocation, formatLocation } from './source-location';

/** How bad a problem is. `note` is informational (for example a library-only policy) and never fails a run. */
export type Severity = 'error' | 'warning' | 'note';

/** A problem in a user file, as a value with a place. */
export interface Diagnostic {
  /** Stable identifier, e.g. `iam/policy-size` or `ref/unknown-policy`. */
  readonly code: string;
  readonly severity: Severity;
  /** What is wrong: the value found and the value expected. */
  readonly message: string;
  readonly location?: SourceLocation;
  /** How to fix it. */
  readonly hint?: string;
}

/** True when any diagnostic is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, note: 2 };

/** Sorts diagnostics by file, line, column, then code, so output is stable. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => {
    const fa = a.location?.file ?? '';
    const fb = b.location?.file ?? '';
    if (fa !== fb) return fa < fb ? -1 : 1;
    const la = a.location?.line ?? 0;
    const lb = b.location?.line ?? 0;
    if (la !== lb) return la - lb;
    const ca = a.location?.column ?? 0;
    const cb = b.location?.column ?? 0;
    if (ca !== cb) return ca - cb;
    if (a.severity !== b.severity) return SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity];
    return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
  });
}

/** Counts diagnostics per severity. */
export function countBySeverity(diagnostics: readonly Diagnostic[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, note: 0 };
  for (const d of diagnostics) counts[d.severity]++;
  return counts;
}

/** One human-readable line (plus an indented hint) for a diagnostic; `paint` colours the severity on a terminal. */
export function formatDiagnosticText(d: Diagnostic, paint: Paint = PLAIN): string {
  const where = d.location ? paint.bold(formatLocation(d.location)) + ': ' : '';
  const head = `${where}${paint[d.severity](d.severity)} ${paint.dim(d.code)}: ${d.message}`;
  return d.hint ? `${head}\n    ${paint.dim('hint:')} ${d.hint}` : head;
}

/** Escapes a value for a GitHub workflow command property or message. */
function escapeWorkflowData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeWorkflowProperty(s: string): string {
  return escapeWorkflowData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** A GitHub Actions workflow command (`::error file=...,line=...,col=...::message`) for a diagnostic. */
export function formatDiagnosticGithub(d: Diagnostic): string {
  const command = d.severity === 'note' ? 'notice' : d.severity;
  const props: string[] = [];
  if (d.location) {
    props.push(`file=${escapeWorkflowProperty(d.location.file)}`);
    props.push(`line=${d.location.line}`);
    props.push(`col=${d.location.column}`);
  }
  props.push(`title=${escapeWorkflowProperty(d.code)}`);
  const message = d.hint ? `${d.message}\n${d.hint}` : d.message;
  return `::${command} ${props.join(',')}::${escapeWorkflowData(message)}`;
}

/** A GitHub Actions workflow command (`::error title=...::message`), with its title and message escaped. */
export function formatWorkflowCommand(command: 'error' | 'warning' | 'notice', title: string, message: string): string {
  return `::${command} title=${escapeWorkflowProperty(title)}::${escapeWorkflowData(message)}`;
}

/** The JSON shape printed by `--format json`. */
export function diagnosticToJson(d: Diagnostic): Record<string, unknown> {
  return {
    severity: d.severity,
    code: d.code,
    message: d.message,
    file: d.location?.file ?? null,
    line: d.location?.line ?? null,
    column: d.location?.column ?? null,
    ...(d.hint ? { hint: d.hint } : {}),
  };
}
