/**
 * How text is emphasised for a reader. Renderers of terminal text take a `Paint`; the CLI passes
 * ANSI colours on a terminal that wants them (src/cli/terminal.ts) and `PLAIN` everywhere else, so
 * files, pipes, CI logs and tests get the same text without escape codes.
 */
export interface Paint {
  readonly error: (text: string) => string;
  readonly warning: (text: string) => string;
  readonly note: (text: string) => string;
  readonly success: (text: string) => string;
  readonly pending: (text: string) => string;
  readonly bold: (text: string) => string;
  readonly dim: (text: string) => string;
}

const same = (text: string) => text;

/** No emphasis: the text as it is. */
export const PLAIN: Paint = { error: same, warning: same, note: same, success: same, pending: same, bold: same, dim: same };
