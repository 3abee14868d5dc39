import { AccountBoard } from '../../src/cli/terminal';

describe('apply progress', () => {
  test('in CI: one plain line per finished account, nothing redrawn', () => {
    let out = '';
    const board = new AccountBoard('apply', { write: (t) => void (out += t), tty: false });
    board.update('111111111111', 'aws_iam_policy.cmp_A: Modifying...');
    board.finish('111111111111', 'SUCCESS (2 rollout(s))');
    expect(out).toBe('apply: account 111111111111: SUCCESS (2 rollout(s))\n');
  });

  test('on a TTY: a live line per running account, redrawn in place; finished ones stay above', () => {
    let out = '';
    const board = new AccountBoard('apply', { write: (t) => void (out += t), tty: true });
    board.update('111111111111', 'terraform init');
    board.update('222222222222', 'terraform init');
    board.update('111111111111', 'aws_iam_policy.cmp_A: Modifying...');
    const live = out.slice(out.lastIndexOf('\x1b[2A\x1b[0J') + '\x1b[2A\x1b[0J'.length);
    expect(live).toBe('  111111111111: aws_iam_policy.cmp_A: Modifying...\n  222222222222: terraform init\n');
    board.finish('111111111111', 'SUCCESS (1 rollout(s))');
    expect(out.endsWith('\x1b[2A\x1b[0Japply: account 111111111111: SUCCESS (1 rollout(s))\n  222222222222: terraform init\n')).toBe(true);
  });
});
