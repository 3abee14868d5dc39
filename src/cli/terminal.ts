import { Reporter } from '../pipeline/reporter';

/** Where progress is drawn, and whether it may redraw in place (a TTY outside CI). */
export interface BoardOutput {
  write(text: string): void;
  readonly tty: boolean;
}

/** stderr, redrawn in place only on a TTY outside CI. */
export function stderrOutput(write: (text: string) => void = (t) => process.stderr.write(t)): BoardOutput {
  return { write, tty: Boolean(process.stderr.isTTY) && !process.env.CI };
}

/** Progress on stderr: one live line on a TTY, plain lines (at most one per 10%) elsewhere, as in CI logs. */
export class Progress {
  private lastPlain = -1;

  constructor(
    private readonly label: string,
    private readonly quiet = false,
    private readonly out: BoardOutput = stderrOutput(),
  ) {}

  update(done: number, total: number, detail = ''): void {
    if (this.quiet || total === 0) return;
    const line = `${this.label}: ${done}/${total}${detail ? ' ' + detail : ''}`;
    if (this.out.tty) {
      this.out.write(`\r\x1b[2K${line}`);
      if (done === total) this.out.write('\n');
      return;
    }
    const decile = Math.floor((done / total) * 10);
    if (decile > this.lastPlain || done === total) {
      this.lastPlain = decile;
      this.out.write(line + '\n');
    }
  }
}

/**
 * Progress of many accounts at once. On a TTY: one live line per running account (its latest
 * Terraform message), redrawn in place, with finished accounts printed above. Elsewhere (CI logs):
 * one plain line per finished account, nothing redrawn.
 */
export class AccountBoard {
  private readonly active = new Map<string, string>();
  private drawn = 0;

  constructor(
    private readonly label: string,
    private readonly out: BoardOutput = stderrOutput(),
  ) {}

  /** The account is running; `text` is its latest news. */
  update(account: string, text: string): void {
    if (!this.out.tty) return;
    this.active.set(account, text.replace(/\s+/g, ' ').slice(0, 100));
    this.redraw();
  }

  /** The account is done: its line becomes permanent. */
  finish(account: string, text: string): void {
    this.active.delete(account);
    if (!this.out.tty) {
      this.out.write(`${this.label}: account ${account}: ${text}\n`);
      return;
    }
    this.clear();
    this.out.write(`${this.label}: account ${account}: ${text}\n`);
    this.redraw(false);
  }

  private clear(): void {
    if (this.drawn) this.out.write(`\x1b[${this.drawn}A\x1b[0J`);
    this.drawn = 0;
  }

  private redraw(clearFirst = true): void {
    if (clearFirst) this.clear();
    for (const [account, text] of this.active) this.out.write(`  ${account}: ${text}\n`);
    this.drawn = this.active.size;
  }
}

/** The CLI's reporter: news and progress on stderr, a live board of running accounts on a TTY. */
export class TerminalReporter implements Reporter {
  private readonly progressLine: Progress;
  private readonly board: AccountBoard;

  private readonly out: BoardOutput;

  constructor(
    label: string,
    io: { stderr(text: string): void },
    private readonly quiet = false,
  ) {
    this.out = stderrOutput((t) => io.stderr(t));
    this.progressLine = new Progress(label, quiet, this.out);
    this.board = new AccountBoard(label, this.out);
  }

  info(line: string): void {
    if (!this.quiet) this.out.write(line + '\n');
  }
  progress(done: number, total: number, unit: string): void {
    this.progressLine.update(done, total, unit);
  }
  accountNews(account: string, text: string): void {
    this.board.update(account, text);
  }
  accountDone(account: string, text: string): void {
    this.board.finish(account, text);
  }
}
