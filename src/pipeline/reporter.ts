/**
 * How a use case reports progress. Use cases never write to the terminal: the CLI passes a reporter
 * that draws on stderr (a live view on a TTY, plain lines in CI), and tests pass one that collects.
 */
export interface Reporter {
  /** A line of news: what is being done, a warning, a summary. */
  info(line: string): void;
  /** Work done out of total, e.g. accounts synthesised or planned. */
  progress(done: number, total: number, unit: string): void;
  /** An account's latest news while it runs (Terraform's messages). */
  accountNews(account: string, text: string): void;
  /** An account finished: one line with its outcome. */
  accountDone(account: string, text: string, ok: boolean): void;
}

/** A reporter that keeps everything, for tests and for callers that print nothing. */
export class CollectingReporter implements Reporter {
  readonly lines: string[] = [];
  readonly accounts = new Map<string, { text: string; ok: boolean }>();
  readonly news: { account: string; text: string }[] = [];
  lastProgress?: { done: number; total: number; unit: string };

  info(line: string): void {
    this.lines.push(line);
  }
  progress(done: number, total: number, unit: string): void {
    this.lastProgress = { done, total, unit };
  }
  accountNews(account: string, text: string): void {
    this.news.push({ account, text });
  }
  accountDone(account: string, text: string, ok: boolean): void {
    this.accounts.set(account, { text, ok });
  }
}

/** A use case refused to act because the repository has errors; nothing was done. */
export interface Refused {
  readonly kind: 'refused';
  /** The errors, as diagnostics with their places. */
  readonly errors: readonly import('../core/diagnostics').Diagnostic[];
  /** What was not done, e.g. "nothing was written". */
  readonly consequence: string;
}

/** The refusal for a repository with errors, or undefined when it has none. */
export function refuseOnErrors(diagnostics: readonly import('../core/diagnostics').Diagnostic[], consequence: string): Refused | undefined {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  return errors.length ? { kind: 'refused', errors, consequence } : undefined;
}
