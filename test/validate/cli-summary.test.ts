import { runPrism } from '../helpers/cli';
import { minimalRepo, writeRepo } from '../helpers/repo';

describe('prism validate: summaries', () => {
  const repo = () =>
    writeRepo({
      ...minimalRepo(),
      'policies/Bad.json': { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObjet', Resource: 'arn:aws:s3:us-east-1::my-bucket/*' }] },
    });

  test('--format text ends each file with a one-line summary, then the totals', () => {
    const r = runPrism(['validate', '--dir', repo()]);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines).toContain('policies/Bad.json: 2 errors, 1 note');
    expect(lines).toContain('2 error(s), 0 warning(s), 1 note(s) in 1 of 4 files checked');
    // the summary line follows that file's diagnostics
    const summaryAt = lines.indexOf('policies/Bad.json: 2 errors, 1 note');
    expect(lines.slice(0, summaryAt).filter((l) => l.startsWith('policies/Bad.json:'))).toHaveLength(3);
  });

  test('--format json carries counts in total and per file', () => {
    const r = runPrism(['validate', '--dir', repo(), '--format', 'json']);
    const out = JSON.parse(r.stdout) as { counts: Record<string, number>; files: Record<string, unknown>[] };
    expect(out.counts).toEqual({ error: 2, warning: 0, note: 1, files: 4, filesWithDiagnostics: 1 });
    expect(out.files).toEqual([{ file: 'policies/Bad.json', error: 2, warning: 0, note: 1 }]);
  });
});
