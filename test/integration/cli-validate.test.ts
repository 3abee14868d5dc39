import { runPrism } from '../helpers/cli';
import { minimalRepo, writeRepo } from '../helpers/repo';

describe('prism validate (CLI)', () => {
  const broken = () =>
    writeRepo({
      ...minimalRepo(),
      'assignments/dev.yaml': 'permissionSet: Dev\naccounts:\n  - "111111111111"\n  - "111111111111"\n',
      'policies/Bad.json': '{\n  "Version": "2012-10-17",\n  "Statement": { "Effect": "Allow", "Action": "s3:GetObject" }\n}\n',
    });

  test('exits 0 on a valid repository', () => {
    const r = runPrism(['validate', '--dir', writeRepo(minimalRepo())]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('0 error(s), 0 warning(s), 0 note(s)');
  });

  test('exits 1 and prints file:line:column for errors', () => {
    const r = runPrism(['validate', '--dir', broken()]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('policies/Bad.json:3:16: error iam/resource-xor:');
  });

  test('--format json prints every diagnostic with code, file, line and column', () => {
    const r = runPrism(['validate', '--dir', broken(), '--format', 'json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { diagnostics: Record<string, unknown>[] };
    expect(out.diagnostics).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ severity: 'warning', code: 'assignment/duplicate-account', file: 'assignments/dev.yaml', line: 4, column: 5 }),
        expect.objectContaining({ severity: 'error', code: 'iam/resource-xor', file: 'policies/Bad.json', line: 3, column: 16 }),
      ]),
    );
    for (const d of out.diagnostics) expect(Object.keys(d)).toEqual(expect.arrayContaining(['severity', 'code', 'message', 'file', 'line', 'column']));
  });

  test('--format github prints workflow commands', () => {
    const r = runPrism(['validate', '--dir', broken(), '--format', 'github']);
    expect(r.stdout.split('\n')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^::error file=policies\/Bad\.json,line=3,col=16,title=iam\/resource-xor::statement has neither/),
        expect.stringMatching(/^::warning file=assignments\/dev\.yaml,line=4,col=5,title=assignment\/duplicate-account::/),
        expect.stringMatching(/^::notice file=policies\/Bad\.json,line=1,col=1,title=library\/unprovisioned::/),
      ]),
    );
  });

  test('exits 2 on a usage error', () => {
    expect(runPrism(['validate', '--format', 'xml']).code).toBe(2);
    expect(runPrism(['validate', '--nope']).code).toBe(2);
    expect(runPrism(['validate', '--dir', '/does/not/exist']).code).toBe(2);
    expect(runPrism(['frobnicate']).code).toBe(2);
  });

  test('--help works for the CLI and the command', () => {
    const r = runPrism(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('validate');
    expect(runPrism(['validate', '--help']).stdout).toContain('--format');
  });
});
