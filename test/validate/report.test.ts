import { Diagnostic } from '../../src/core/diagnostics';
import { renderValidationJson, renderValidationText, summarizeValidation } from '../../src/validate/report';

const d = (file: string, line: number, severity: Diagnostic['severity'], code: string): Diagnostic => ({ code, severity, message: `${code} at ${line}`, location: { file, line, column: 3 } });
const diagnostics = [d('policies/A.json', 4, 'error', 'iam/effect'), d('policies/A.json', 9, 'warning', 'risk/pass-role'), d('policies/B.json', 1, 'note', 'library/unprovisioned')];

describe('validate: summaries', () => {
  test('counts per severity, in total and per file', () => {
    expect(summarizeValidation(diagnostics, 7)).toEqual({
      error: 1,
      warning: 1,
      note: 1,
      files: 7,
      byFile: [
        { file: 'policies/A.json', error: 1, warning: 1, note: 0 },
        { file: 'policies/B.json', error: 0, warning: 0, note: 1 },
      ],
    });
  });

  test('--format text gives one summary line after each file and the totals', () => {
    expect(renderValidationText(diagnostics, 7).split('\n')).toEqual([
      'policies/A.json:4:3: error iam/effect: iam/effect at 4',
      'policies/A.json:9:3: warning risk/pass-role: risk/pass-role at 9',
      'policies/A.json: 1 error, 1 warning',
      '',
      'policies/B.json:1:3: note library/unprovisioned: library/unprovisioned at 1',
      'policies/B.json: 1 note',
      '',
      '1 error(s), 1 warning(s), 1 note(s) in 2 of 7 files checked',
      '',
    ]);
    expect(renderValidationText([], 1)).toBe('0 error(s), 0 warning(s), 0 note(s) in 0 of 1 file checked\n');
  });

  test('--format json carries the counts', () => {
    const out = JSON.parse(renderValidationJson(diagnostics, 7));
    expect(out.counts).toEqual({ error: 1, warning: 1, note: 1, files: 7, filesWithDiagnostics: 2 });
    expect(out.files).toEqual(summarizeValidation(diagnostics, 7).byFile);
    expect(out.diagnostics).toHaveLength(3);
  });
});
