/**
 * The terminal side of the CLI: colour (on a terminal that wants it), and the one owner of the
 * bottom of the screen. Permanent lines (news, each finished account) are printed above a live
 * region that is redrawn in place: one line per running account and one status line that counts
 * the accounts done, running and waiting. In CI, in a pipe or with TERM=dumb, nothing is redrawn:
 * plain lines only, the way Terraform writes to a log.
 */
import { PLAIN, Paint } from '../core/paint';
import { Reporter } from '../pipeline/reporter';

/** Where a stream of the CLI goes, and what it can do. */
export interface TerminalOutput {
  write(text: string): void;
  /** Lines may be redrawn in place (a TTY outside CI, TERM not dumb). */
  readonly live: boolean;
  /** ANSI colours are wanted. */
  readonly color: boolean;
  /** Width in columns; live lines are cut to fit, so they never wrap. */
  readonly columns: number;
}

/**
 * Whether a stream wants colour: FORCE_COLOR (not 0) forces it; NO_COLOR (any value, no-color.org)
 * and TERM=dumb turn it off; otherwise a TTY gets colour.
 */
export function wantsColor(isTTY: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return !['0', 'false'].includes(env.FORCE_COLOR);
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return isTTY;
}

/** Whether a stream may be redrawn in place: a TTY, outside CI, on a terminal that moves the cursor. */
export function wantsLive(isTTY: boolean, env: NodeJS.ProcessEnv = process.env): boolean {
  return isTTY && !env.CI && env.TERM !== 'dumb';
}

/** A process stream as a TerminalOutput. */
export function streamOutput(stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): TerminalOutput {
  const tty = Boolean(stream.isTTY);
  return { write: (t) => void stream.write(t), live: wantsLive(tty, env), color: wantsColor(tty, env), columns: stream.columns || 80 };
}

/** A plain output (no colour, nothing redrawn) that writes through `write`. */
export function plainOutput(write: (text: string) => void): TerminalOutput {
  return { write, live: false, color: false, columns: 80 };
}

const sgr = (open: number, close: number) => (text: string) => `\x1b[${open}m${text}\x1b[${close}m`;

/** ANSI colours, as Terraform uses them: red errors, yellow warnings, green success. */
export const ANSI: Paint = { error: sgr(31, 39), warning: sgr(33, 39), note: sgr(36, 39), success: sgr(32, 39), pending: sgr(33, 39), bold: sgr(1, 22), dim: sgr(2, 22) };

/** The paint for an output: ANSI colours when it wants them, else none. */
export function paintFor(out: Pick<TerminalOutput, 'color'>): Paint {
  return out.color ? ANSI : PLAIN;
}

/** A duration as Terraform prints it: 850ms, 4.2s, 1m05s. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
}

/**
 * The bottom of the screen. Everything the CLI prints while a live region is shown goes through
 * here, so the region is always erased before a permanent line and drawn again after it, in one
 * write. Live lines are cut to the width of the terminal: a wrapped line would break the count of
 * lines to move up.
 */
export class Screen {
  private drawn = 0;
  private live: string[] = [];

  constructor(private readonly out: TerminalOutput) {}

  /** A permanent line, printed above the live region. */
  print(line: string): void {
    if (!this.out.live) return this.out.write(line + '\n');
    this.out.write(this.erase() + line + '\n' + this.draw());
  }

  /** Replaces the live region (nothing happens on a plain output). */
  setLive(lines: readonly string[]): void {
    if (!this.out.live) return;
    const width = Math.max(20, this.out.columns - 1);
    const next = lines.map((l) => (l.length > width ? l.slice(0, width - 1) + '…' : l));
    if (next.length === this.live.length && next.every((l, i) => l === this.live[i])) return;
    this.live = next;
    this.out.write(this.erase() + this.draw());
  }

  private erase(): string {
    const s = this.drawn ? `\r\x1b[${this.drawn}A\x1b[0J` : '';
    this.drawn = 0;
    return s;
  }

  private draw(): string {
    this.drawn = this.live.length;
    return this.live.map((l) => l + '\n').join('');
  }
}

/** Options of the terminal reporter. */
export interface TerminalReporterOptions {
  /** Only failures and errors: no news, no progress. @default false */
  readonly quiet?: boolean;
  /** @default stderr */
  readonly output?: TerminalOutput;
  /** Milliseconds, for each account's duration. @default Date.now */
  readonly now?: () => number;
}

/**
 * The CLI's reporter, on stderr. On a live terminal: finished accounts and news above, and below
 * them a line per running account (its latest Terraform message) and one status line
 * (`apply: 3/40 accounts · 4 running · 33 waiting`). Elsewhere: a line per finished account and
 * progress at most once per tenth.
 */
export class TerminalReporter implements Reporter {
  private readonly out: TerminalOutput;
  private readonly screen: Screen;
  private readonly paint: Paint;
  private readonly quiet: boolean;
  private readonly now: () => number;
  private readonly running = new Map<string, string>();
  private readonly started = new Map<string, number>();
  private counts?: { done: number; total: number; unit: string };
  private lastPlainDecile = -1;

  constructor(
    private readonly label: string,
    io: { stderr(text: string): void; readonly terminal?: { readonly stderr: TerminalOutput } },
    options: TerminalReporterOptions | boolean = {},
  ) {
    const o = typeof options === 'boolean' ? { quiet: options } : options;
    this.out = o.output ?? io.terminal?.stderr ?? plainOutput((t) => io.stderr(t));
    this.screen = new Screen(this.out);
    this.paint = paintFor(this.out);
    this.quiet = Boolean(o.quiet);
    this.now = o.now ?? Date.now;
  }

  info(line: string): void {
    if (this.quiet) return;
    this.screen.print(/^warning: /.test(line) ? this.paint.warning('warning:') + line.slice(8) : line);
  }

  /** A line shown even with --quiet: an error or a failure. */
  alert(line: string): void {
    this.screen.print(this.paint.error(line));
  }

  progress(done: number, total: number, unit: string): void {
    this.counts = { done, total, unit };
    if (this.quiet || total === 0) return;
    if (this.out.live) return this.redraw();
    const decile = Math.floor((done / total) * 10);
    if (decile > this.lastPlainDecile || done === total) {
      this.lastPlainDecile = decile;
      this.screen.print(`${this.label}: ${done}/${total} ${unit}`);
    }
  }

  accountNews(account: string, text: string): void {
    if (!this.started.has(account)) this.started.set(account, this.now());
    this.running.set(account, text.replace(/\s+/g, ' ').trim());
    if (!this.quiet) this.redraw();
  }

  accountDone(account: string, text: string, ok: boolean): void {
    this.running.delete(account);
    const start = this.started.get(account);
    const took = start === undefined ? '' : ` ${this.paint.dim(`in ${formatDuration(this.now() - start)}`)}`;
    if (!this.quiet || !ok) this.screen.print(`${this.label}: ${this.paint.bold(account)}: ${ok ? this.paint.success(text) : this.paint.error(text)}${took}`);
    if (!this.quiet) this.redraw();
  }

  /** Removes the live region (the use case is over). */
  finish(): void {
    this.running.clear();
    this.counts = undefined;
    this.screen.setLive([]);
  }

  private redraw(): void {
    if (!this.out.live) return;
    const lines = [...this.running].map(([account, text]) => `  ${account}: ${text}`);
    const c = this.counts;
    if (c && c.total > 0 && c.done < c.total) {
      const waiting = Math.max(0, c.total - c.done - this.running.size);
      lines.push(`${this.label}: ${c.done}/${c.total} ${c.unit}${this.running.size ? ` · ${this.running.size} running` : ''}${waiting ? ` · ${waiting} waiting` : ''}`);
    }
    this.screen.setLive(lines);
  }
}
