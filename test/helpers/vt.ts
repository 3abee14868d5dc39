/**
 * A small terminal emulator for tests: it replays what the CLI wrote to a terminal (text, \r, \n,
 * cursor up, erase to end of screen, erase line, colours) on a screen of `columns`, wrapping long
 * lines as a terminal does, and returns the lines on the screen.
 */
export class VirtualTerminal {
  readonly lines: string[] = [''];
  private row = 0;
  private col = 0;

  constructor(private readonly columns = 80) {}

  write(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (c === '\x1b') {
        const m = /^\x1b\[([0-9;]*)([A-Za-z])/.exec(text.slice(i));
        if (!m) throw new Error(`unknown escape at ${JSON.stringify(text.slice(i, i + 8))}`);
        i += m[0].length - 1;
        const n = m[1] === '' ? 1 : Number(m[1].split(';')[0]);
        if (m[2] === 'A') this.row = Math.max(0, this.row - n);
        else if (m[2] === 'J' && (m[1] === '' || m[1] === '0')) {
          this.lines[this.row] = this.lines[this.row].slice(0, this.col);
          this.lines.length = this.row + 1;
        } else if (m[2] === 'K' && m[1] === '2') this.lines[this.row] = '';
        else if (m[2] === 'm') continue;
        else throw new Error(`unsupported escape ${JSON.stringify(m[0])}`);
        continue;
      }
      if (c === '\r') this.col = 0;
      else if (c === '\n') this.newline();
      else {
        if (this.col >= this.columns) this.newline();
        const line = this.lines[this.row].padEnd(this.col);
        this.lines[this.row] = line.slice(0, this.col) + c + line.slice(this.col + 1);
        this.col++;
      }
    }
  }

  /** The screen's lines, without the empty line the cursor waits on. */
  screen(): string[] {
    const out = [...this.lines];
    while (out.length && out[out.length - 1] === '') out.pop();
    return out;
  }

  private newline(): void {
    this.row++;
    this.col = 0;
    if (this.lines.length <= this.row) this.lines.push('');
  }
}
