/** Progress on stderr: one live line on a TTY, plain lines (at most one per 10%) elsewhere, as in CI logs. */
export class Progress {
  private lastPlain = -1;
  private readonly tty = Boolean(process.stderr.isTTY) && !process.env.CI;

  constructor(
    private readonly label: string,
    private readonly quiet = false,
  ) {}

  update(done: number, total: number, detail = ''): void {
    if (this.quiet || total === 0) return;
    const line = `${this.label}: ${done}/${total}${detail ? ' ' + detail : ''}`;
    if (this.tty) {
      process.stderr.write(`\r\x1b[2K${line}`);
      if (done === total) process.stderr.write('\n');
      return;
    }
    const decile = Math.floor((done / total) * 10);
    if (decile > this.lastPlain || done === total) {
      this.lastPlain = decile;
      process.stderr.write(line + '\n');
    }
  }
}

/** Where an `AccountBoard` draws, and whether it may redraw (a TTY outside CI). */
export interface BoardOutput {
  write(text: string): void;
  readonly tty: boolean;
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
    private readonly out: BoardOutput = { write: (t) => process.stderr.write(t), tty: Boolean(process.stderr.isTTY) && !process.env.CI },
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
