/**
 * The layering of src/, as the README's design notes write it down: every import of every file is
 * checked against the map in README.md, so the map and the code cannot drift apart.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const SRC = path.join(ROOT, 'src');

/** The map between the import-rules markers of README.md: folder -> folders it may import. */
function readMap(): Map<string, Set<string>> {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const block = /<!-- import-rules -->\s*```\n([\s\S]*?)```\s*<!-- \/import-rules -->/.exec(readme);
  if (!block) throw new Error('README.md has no import-rules block');
  const map = new Map<string, Set<string>>();
  for (const line of block[1].trim().split('\n')) {
    const m = /^(\S+)\s+->(.*)$/.exec(line.trim());
    if (!m) throw new Error(`import-rules line not understood: ${line}`);
    map.set(m[1], new Set(m[2].trim().split(/\s+/).filter(Boolean)));
  }
  return map;
}

function sourceFiles(): string[] {
  return fs.readdirSync(SRC, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
}

/** Every import of a file: relative ones resolved to src/ paths, packages as they are written. */
function importsOf(file: string): { relative: string[]; packages: string[] } {
  const text = fs.readFileSync(path.join(SRC, file), 'utf8');
  const relative: string[] = [];
  const packages: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g)) {
    if (m[1].startsWith('.')) relative.push(path.relative(SRC, path.resolve(path.dirname(path.join(SRC, file)), m[1])));
    else packages.push(m[1]);
  }
  return { relative, packages };
}

describe('architecture: the import rules in README.md', () => {
  const map = readMap();

  test('every folder of src/ is in the map, and every folder in the map exists', () => {
    const folders = new Set(sourceFiles().map((f) => f.split(path.sep)[0]).filter((f) => !f.endsWith('.ts')));
    expect([...map.keys()].sort()).toEqual([...folders].sort());
    for (const allowed of map.values()) for (const f of allowed) expect(map.has(f)).toBe(true);
  });

  test('every import in src/ goes to its own folder or one the map allows', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles()) {
      const own = file.split(path.sep)[0];
      for (const target of importsOf(file).relative) {
        const to = target.split(path.sep)[0];
        if (to !== own && !map.get(own)?.has(to)) offenders.push(`${file} imports ${target} (${own} -> ${to} is not in the map)`);
      }
    }
    expect(offenders).toEqual([]);
  });

  test('the map has no cycle: it is a layering', () => {
    const visiting = new Set<string>();
    const done = new Set<string>();
    const visit = (f: string, trail: string[]): void => {
      if (done.has(f)) return;
      if (visiting.has(f)) throw new Error(`cycle: ${[...trail, f].join(' -> ')}`);
      visiting.add(f);
      for (const to of map.get(f) ?? []) visit(to, [...trail, f]);
      visiting.delete(f);
      done.add(f);
    };
    for (const f of map.keys()) expect(() => visit(f, [])).not.toThrow();
  });

  test('only src/synth imports cdktf or the AWS provider, and never the provider root', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles()) {
      for (const p of importsOf(file).packages) {
        if (/^(cdktf|@cdktf\/provider-aws|constructs)(\/|$)/.test(p) && !file.startsWith(`synth${path.sep}`)) offenders.push(`${file}: ${p}`);
        if (p === '@cdktf/provider-aws') offenders.push(`${file}: the provider root`);
      }
    }
    expect(offenders).toEqual([]);
  });

  test('commands never import each other', () => {
    const offenders = sourceFiles()
      .filter((f) => f.startsWith(path.join('cli', 'commands')))
      .flatMap((f) => importsOf(f).relative.filter((t) => t.startsWith(path.join('cli', 'commands'))).map((t) => `${f} imports ${t}`));
    expect(offenders).toEqual([]);
  });
});
