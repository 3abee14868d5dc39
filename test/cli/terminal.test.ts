import { formatDuration, Screen, TerminalOutput, TerminalReporter, wantsColor, wantsLive } from '../../src/cli/terminal';
import { VirtualTerminal } from '../helpers/vt';

const ESC = /\x1b\[/;

function terminal(columns = 80): { out: TerminalOutput; vt: VirtualTerminal; raw: () => string } {
  const vt = new VirtualTerminal(columns);
  let raw = '';
  return { vt, raw: () => raw, out: { write: (t) => ((raw += t), vt.write(t)), live: true, color: false, columns } };
}

describe('terminal: colour and live redrawing follow the conventions', () => {
  test('colour on a TTY; NO_COLOR and TERM=dumb turn it off; FORCE_COLOR forces it', () => {
    expect(wantsColor(true, {})).toBe(true);
    expect(wantsColor(false, {})).toBe(false);
    expect(wantsColor(true, { NO_COLOR: '1' })).toBe(false);
    expect(wantsColor(true, { NO_COLOR: '' })).toBe(true);
    expect(wantsColor(true, { TERM: 'dumb' })).toBe(false);
    expect(wantsColor(false, { FORCE_COLOR: '1' })).toBe(true);
    expect(wantsColor(true, { FORCE_COLOR: '0' })).toBe(false);
    expect(wantsLive(true, {})).toBe(true);
    expect(wantsLive(true, { CI: 'true' })).toBe(false);
    expect(wantsLive(true, { TERM: 'dumb' })).toBe(false);
    expect(wantsLive(false, {})).toBe(false);
  });

  test('durations read as Terraform prints them', () => {
    expect([formatDuration(850), formatDuration(4_200), formatDuration(65_000)]).toEqual(['850ms', '4.2s', '1m05s']);
  });
});

describe('terminal: the live view of many accounts', () => {
  const accounts = Array.from({ length: 36 }, (_, i) => String(100000000000 + i));

  /** Drives the reporter as apply does: 4 lanes, Terraform news, progress, news lines. */
  function drive(reporter: TerminalReporter, onStep: () => void = () => undefined): void {
    reporter.info('apply: 36 account(s), 72 rollout(s)');
    reporter.progress(0, accounts.length, 'accounts');
    onStep();
    let next = 0;
    let done = 0;
    const running: string[] = [];
    const start = () => {
      const a = accounts[next++];
      running.push(a);
      reporter.accountNews(a, 'terraform init');
      onStep();
    };
    for (let i = 0; i < 4; i++) start();
    while (running.length) {
      const a = running.shift()!;
      reporter.accountNews(a, `aws_iam_policy.cmp_DataLakeRead: Modifying... [id=arn:aws:iam::${a}:policy/Prism-DataLakeRead] ${'x'.repeat(60)}`);
      onStep();
      const ok = Number(a.slice(-1)) !== 7;
      reporter.accountDone(a, ok ? 'SUCCESS (2 rollout(s))' : 'FAILED (AccessDenied) (2 rollout(s))', ok);
      reporter.progress(++done, accounts.length, 'accounts');
      onStep();
      if (next < accounts.length) start();
    }
    reporter.finish();
  }

  test('a replay shows every finished account on its own line, whole, and nothing garbled', () => {
    const { out, vt } = terminal(100);
    let clock = 0;
    const reporter = new TerminalReporter('apply', { stderr: () => undefined }, { output: out, now: () => (clock += 1000) });
    const seen: string[][] = [];
    drive(reporter, () => seen.push(vt.screen()));
    const screen = vt.screen();
    // the end: the news line, then one line per account in the order they finished, nothing live left
    expect(screen[0]).toBe('apply: 36 account(s), 72 rollout(s)');
    expect(screen).toHaveLength(37);
    for (const [i, line] of screen.slice(1).entries()) expect(line).toMatch(new RegExp(`^apply: ${accounts[i]}: (SUCCESS \\(2 rollout\\(s\\)\\)|FAILED \\(AccessDenied\\) \\(2 rollout\\(s\\)\\)) in \\d+\\.\\ds$`));
    // at every step: permanent lines above, then at most 4 running accounts and one status line
    for (const s of seen) {
      const live = s.filter((l) => !/^apply: (\d{12}: |36 account)/.test(l));
      for (const l of live) expect(l).toMatch(/^( {2}\d{12}: (terraform init|aws_iam_policy\.cmp_DataLakeRead: Modifying\.\.\. .*…?)|apply: \d+\/36 accounts( · \d running)?( · \d+ waiting)?)$/);
      expect(live.filter((l) => l.startsWith('  ')).length).toBeLessThanOrEqual(4);
      expect(live.filter((l) => l.startsWith('apply: ')).length).toBeLessThanOrEqual(1);
      for (const l of s) expect(l.length).toBeLessThan(100);
    }
    // accounts not yet started are one line, not 32
    expect(seen.some((s) => s.includes('apply: 0/36 accounts · 4 running · 32 waiting'))).toBe(true);
  });

  test('a narrow terminal: live lines are cut, never wrapped, so redrawing stays in place', () => {
    const { out, vt } = terminal(40);
    const reporter = new TerminalReporter('apply', { stderr: () => undefined }, { output: out, now: () => 0 });
    drive(reporter);
    const screen = vt.screen();
    expect(screen.filter((l) => /^ {2}\d{12}/.test(l))).toEqual([]);
    expect(screen[0]).toBe('apply: 36 account(s), 72 rollout(s)');
  });

  test('in CI (no redrawing): plain lines only, one per finished account with its duration, no escape codes', () => {
    let text = '';
    let clock = 0;
    const reporter = new TerminalReporter('apply', { stderr: (t) => void (text += t) }, { now: () => (clock += 500) });
    drive(reporter);
    expect(text).not.toMatch(ESC);
    const lines = text.trimEnd().split('\n');
    expect(lines.filter((l) => /^apply: \d{12}: /.test(l))).toHaveLength(36);
    expect(lines).toContain('apply: 100000000007: FAILED (AccessDenied) (2 rollout(s)) in 3.5s');
    // progress at most once per tenth
    expect(lines.filter((l) => /^apply: \d+\/36 accounts$/.test(l)).length).toBeLessThanOrEqual(11);
  });

  test('--quiet: only the accounts that failed', () => {
    let text = '';
    const reporter = new TerminalReporter('apply', { stderr: (t) => void (text += t) }, { quiet: true, now: () => 0 });
    drive(reporter);
    expect(text.trimEnd().split('\n')).toEqual(['apply: 100000000007: FAILED (AccessDenied) (2 rollout(s)) in 0ms', 'apply: 100000000017: FAILED (AccessDenied) (2 rollout(s)) in 0ms', 'apply: 100000000027: FAILED (AccessDenied) (2 rollout(s)) in 0ms']);
  });

  test('colour: failures red and successes green, only when wanted', () => {
    let text = '';
    const reporter = new TerminalReporter('apply', { stderr: () => undefined }, { output: { write: (t) => void (text += t), live: false, color: true, columns: 80 }, now: () => 0 });
    reporter.accountDone('111111111111', 'FAILED (x)', false);
    reporter.accountDone('222222222222', 'SUCCESS', true);
    expect(text).toContain('\x1b[31mFAILED (x)\x1b[39m');
    expect(text).toContain('\x1b[32mSUCCESS\x1b[39m');
  });

  test('the screen redraws the live region in one write after each permanent line', () => {
    const { out, vt, raw } = terminal();
    const screen = new Screen(out);
    screen.setLive(['  a: one', '  b: two']);
    screen.print('done: c');
    expect(vt.screen()).toEqual(['done: c', '  a: one', '  b: two']);
    expect(raw().endsWith('\r\x1b[2A\x1b[0Jdone: c\n  a: one\n  b: two\n')).toBe(true);
    screen.setLive([]);
    expect(vt.screen()).toEqual(['done: c']);
  });
});
