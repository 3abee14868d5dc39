import * as fs from 'node:fs';
import * as path from 'node:path';
import { validateFiles } from '../helpers/repo';

interface Expected {
  code: string;
  file: string;
  line: number;
  severity: string;
}
interface Case {
  name: string;
  files: Record<string, string>;
  expected: Expected[];
}

const dir = path.join(__dirname, 'cases');
const WITH_HINTS = ['access-analyzer.json', 'trust.json'];
const key = (d: Expected) => `${d.severity} ${d.code} ${d.file}:${d.line}`;

for (const group of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
  const cases = JSON.parse(fs.readFileSync(path.join(dir, group), 'utf8')) as Case[];
  describe(`validate: ${group.replace(/\.json$/, '')}`, () => {
    test.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
      // WHEN
      const { diagnostics } = validateFiles(c.files);
      // THEN: exactly the expected diagnostics, by severity, code, file and line
      const actual = diagnostics.map((d) => key({ code: d.code, severity: d.severity, file: d.location!.file, line: d.location!.line }));
      expect(actual.sort()).toEqual(c.expected.map(key).sort());
      for (const d of diagnostics) {
        expect(d.location!.column).toBeGreaterThanOrEqual(1);
        expect(d.message.length).toBeGreaterThan(10);
        // the rules added with the Access Analyzer checks all say how to fix what they report
        if (WITH_HINTS.includes(group) && d.code !== 'schema/unknown-key') expect(d.hint).toEqual(expect.any(String));
      }
    });
  });
}
