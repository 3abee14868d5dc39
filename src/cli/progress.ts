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
