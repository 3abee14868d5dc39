/**
 * `npm run bench`: generates the benchmark organisations in temp folders, runs every measurement in a
 * fresh process (median of several runs), and prints a table with each figure next to the baseline
 * measured in the same run and the target.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DASHBOARD_SHAPE, writeDashboardDocuments, writeDashboardLedger } from './dashboard';
import { generateFleet, generateLargeLibrary, generateRealFleet, NARROW_POLICY, REAL_FLEET, writeGenerated } from './generate';
import { benchTerraform } from './terraform';

interface Measurement {
  ms: number;
  maxRssMb: number;
  /** What the task reported (e.g. distinct shapes), from its last run. */
  result?: Record<string, number>;
}

const RUNS = Number(process.env.PRISM_BENCH_RUNS ?? 3);
const TASK = path.join(__dirname, 'task.js');

/** Runs one task RUNS times in fresh processes; returns the median time and the largest peak memory. */
export function measure(task: string, dir: string, arg?: string, options: { cli?: string[]; runs?: number } = {}): Measurement {
  const results: Measurement[] = [];
  for (let i = 0; i < (options.runs ?? RUNS); i++) {
    if (options.cli) {
      // end to end: a whole CLI invocation, start-up included
      const start = process.hrtime.bigint();
      const res = spawnSync(process.execPath, options.cli, { cwd: dir, encoding: 'utf8' });
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (res.status !== 0) throw new Error(`${options.cli.join(' ')} failed (${res.status}): ${res.stderr}`);
      results.push({ ms, maxRssMb: NaN });
      continue;
    }
    const out = execFileSync(process.execPath, ['--max-old-space-size=4096', TASK, task, dir, ...(arg ? [arg] : [])], { encoding: 'utf8' });
    results.push(JSON.parse(out.trim().split('\n').pop()!));
  }
  results.sort((a, b) => a.ms - b.ms);
  return { ms: results[Math.floor(results.length / 2)].ms, maxRssMb: Math.max(...results.map((r) => r.maxRssMb)), result: results[0].result };
}

/**
 * Runs several tasks in turn (a, b, c, a, b, c, ...) in fresh processes, so that a change in the
 * machine's load during the run hits every task alike and the ratios between them stay meaningful;
 * returns each task's median time and largest peak memory.
 */
export function measureInterleaved(tasks: readonly string[], dir: string, runs = RUNS): Measurement[] {
  const results: Measurement[][] = tasks.map(() => []);
  for (let i = 0; i < runs; i++) {
    tasks.forEach((task, k) => {
      const out = execFileSync(process.execPath, ['--max-old-space-size=4096', TASK, task, dir], { encoding: 'utf8' });
      results[k].push(JSON.parse(out.trim().split('\n').pop()!));
    });
  }
  return results.map((rs) => {
    const sorted = [...rs].sort((a, b) => a.ms - b.ms);
    return { ms: sorted[Math.floor(sorted.length / 2)].ms, maxRssMb: Math.max(...rs.map((r) => r.maxRssMb)) };
  });
}

/** A row of the results table. */
export interface Row {
  name: string;
  m: Measurement;
  baseline?: { name: string; m: Measurement };
  target: string;
  ok: boolean;
}

const fmtMs = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const fmtMb = (mb: number) => (Number.isNaN(mb) ? '-' : `${mb.toFixed(0)} MB`);

function printTable(rows: Row[]): void {
  const header = ['benchmark', 'time', 'peak RSS', 'baseline (same run)', 'ratio', 'target', 'met'];
  const lines = rows.map((r) => [
    r.name,
    fmtMs(r.m.ms),
    fmtMb(r.m.maxRssMb),
    r.baseline ? `${r.baseline.name}: ${fmtMs(r.baseline.m.ms)}, ${fmtMb(r.baseline.m.maxRssMb)}` : '-',
    r.baseline ? `${(r.m.ms / r.baseline.m.ms).toFixed(2)}x` : '-',
    r.target,
    r.ok ? 'yes' : 'NO',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  console.log(fmt(header));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const l of lines) console.log(fmt(l));
}

function benchValidate(tmp: string): Row[] {
  const dir = path.join(tmp, 'library');
  console.error('bench: generating 2,000 policies, 300 permission sets, 1,000 assignments');
  writeGenerated(dir, generateLargeLibrary());
  // interleaved, and at least 5 runs: each takes about a second, and the ratios are the targets
  console.error('bench: validate (read+parse, plain, every check; interleaved)');
  const [baseline, plain, v] = measureInterleaved(['read-parse', 'validate-plain', 'validate'], dir, Math.max(RUNS, 5));
  return [
    {
      name: 'validate 2,000 policies / 300 sets / 1,000 assignments (format rules)',
      m: plain,
      baseline: { name: 'read+parse', m: baseline },
      target: '<= 1 s and <= 2x read+parse',
      ok: plain.ms <= 1000 && plain.ms <= 2 * baseline.ms,
    },
    {
      name: 'validate, every check (actions, ARNs, conditions, variables, risky grants)',
      m: v,
      baseline: { name: 'plain validate', m: plain },
      target: '<= 1.5x plain validate',
      ok: v.ms <= 1.5 * plain.ms,
    },
  ];
}

function benchSynth(tmp: string): Row[] {
  const { accounts, permissionSets, minSets, maxSets, adoptedShare } = REAL_FLEET;
  const real = path.join(tmp, 'fleet-real');
  const distinct = path.join(tmp, 'fleet-distinct');
  const uniform = path.join(tmp, 'fleet');
  console.error(`bench: generating a realistic fleet (${accounts} accounts, ${permissionSets} permission sets, ${minSets} to ${maxSets} per account by a Zipf-like draw, ${adoptedShare * 100}% adopting), the same with no two accounts alike, and 1,000 accounts x 50 CMPs of one shape`);
  writeGenerated(real, generateRealFleet());
  writeGenerated(distinct, generateRealFleet({ distinct: true }));
  writeGenerated(uniform, generateFleet(1000, 40));
  console.error('bench: synth baselines: one plain cdktf App and synthesis by shape (one run each; they take a while), the direct-JSON floor');
  const plain = measure('synth-plain-app', real, undefined, { runs: 1 });
  const byShape = measure('synth-by-shape', distinct, undefined, { runs: 1 });
  const floorReal = measure('synth-direct-json', real);
  const floorDistinct = measure('synth-direct-json', distinct);
  const floorUniform = measure('synth-direct-json', uniform);
  console.error('bench: synth');
  const fullReal = measure('synth-full', real);
  const fullDistinct = measure('synth-full', distinct);
  const fullUniform = measure('synth-full', uniform);
  const incremental = measure('synth-incremental', uniform, NARROW_POLICY);
  const shapes = (m: Measurement) => m.result?.shapes ?? NaN;
  const floor = (m: Measurement) => ({ name: 'direct-JSON floor', m });
  // the target: <= 3 s and <= 300 MB, within about 3x the direct-JSON floor of the same fleet
  const fast = (m: Measurement, f: Measurement) => m.ms <= 3000 && m.maxRssMb <= 300 && m.ms <= 3 * f.ms;
  const target = '<= 3 s, <= 300 MB, <= 3x floor';
  return [
    {
      name: `synth, realistic fleet: ${accounts} accounts, ${permissionSets} sets (${minSets}-${maxSets} each, Zipf), ${adoptedShare * 100}% adopted; ${shapes(fullReal)} distinct shapes`,
      m: fullReal,
      baseline: floor(floorReal),
      target,
      ok: fast(fullReal, floorReal) && shapes(fullReal) > 1 && (fullReal.result?.fragments ?? 0) > 0,
    },
    {
      name: `synth, worst case: no two accounts alike (${shapes(fullDistinct)} shapes of ${accounts})`,
      m: fullDistinct,
      baseline: floor(floorDistinct),
      target,
      ok: fast(fullDistinct, floorDistinct) && shapes(fullDistinct) === accounts,
    },
    { name: `synth, one shape: 1,000 accounts x 50 CMPs (${shapes(fullUniform)} shapes)`, m: fullUniform, baseline: floor(floorUniform), target, ok: fast(fullUniform, floorUniform) },
    { name: 'synth incremental: the 40 accounts of one edit', m: incremental, baseline: { name: 'full synth, same fleet', m: fullUniform }, target: '<= 1 s', ok: incremental.ms <= 1000 },
    { name: `before: synth by shape (a cdktf synthesis per distinct account), worst case`, m: byShape, baseline: { name: 'fragments', m: fullDistinct }, target: '(informational)', ok: true },
    { name: 'plain cdktf App (every stack in one App), realistic fleet', m: plain, baseline: { name: 'fragments', m: fullReal }, target: '(informational)', ok: true },
  ];
}

function benchPreview(tmp: string): Row[] {
  const dir = path.join(tmp, 'fleet-git');
  console.error('bench: preview of a one-policy edit (policy in 40 of 1,000 accounts), end to end with CLI start-up');
  writeGenerated(dir, generateFleet(1000, 40));
  const env = { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@prism.invalid', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@prism.invalid' };
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, env, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'fleet', '--no-gpg-sign');
  const file = path.join(dir, 'policies', `${NARROW_POLICY}.json`);
  const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
  doc.Statement[0].Action.push('s3:GetObjectTagging');
  fs.writeFileSync(file, JSON.stringify(doc, null, 2));
  const cli = [path.join(__dirname, '..', '..', 'bin', 'prism.js'), 'preview', '--dir', dir, '--base', 'main', '--format', 'json', '--out', path.join(tmp, 'preview.md')];
  const m = measure('', dir, undefined, { cli });
  const json = JSON.parse(execFileSync(process.execPath, cli, { encoding: 'utf8' })) as { work: { accountsBuilt: number; totalAccounts: number }; policies: { accounts: string[] }[] };
  const fraction = json.work.accountsBuilt / json.work.totalAccounts;
  const accounts = json.policies[0]?.accounts.length ?? 0;
  return [
    {
      name: `preview: 1 edit, ${accounts} accounts of ${json.work.totalAccounts} (CLI, no Terraform)`,
      m,
      target: `<= 1.5 s; work ${(fraction * 100).toFixed(1)}% of a full synth (${json.work.accountsBuilt}/${json.work.totalAccounts} accounts built)`,
      ok: m.ms <= 1500 && json.work.accountsBuilt === accounts,
    },
  ];
}

function benchDashboard(tmp: string): Row[] {
  const { accounts, policies, waves } = DASHBOARD_SHAPE;
  const full = path.join(tmp, 'dashboard', 'repo');
  console.error(`bench: generating a ledger of ${accounts} accounts x ${policies} policies x ${waves} waves`);
  writeDashboardDocuments(full);
  const { files, lines, bytes } = writeDashboardLedger(full);
  const size = `${files.toLocaleString('en-US')} run files, ${(lines / 1e6).toFixed(1)}M lines, ${(bytes / 1e9).toFixed(2)} GB`;
  console.error(`bench: dashboard (${size})`);
  const baseline = measure('ledger-read-parse', full);
  const first = measure('dashboard-first', full);
  // the first build with a cache fills it; then each measured build follows one more apply
  const filling = measure('dashboard-after-apply', full, undefined, { runs: 1 });
  const after = measure('dashboard-after-apply', full);
  // its peak memory is the child's, which this process cannot see: shown as "-"
  const command = { ...measure('dashboard-command-after-apply', full), maxRssMb: NaN };
  const vs = { name: 'read+JSON.parse the ledger', m: baseline };
  const parsed = (m: { result?: Record<string, number> }) => `${m.result?.parsed ?? '?'} of ${m.result?.ledgerFiles ?? '?'} ledger files parsed`;
  return [
    { name: `dashboard, first build: ${accounts} accounts x ${policies} policies x ${waves} waves (${size}; nothing cached)`, m: first, baseline: vs, target: `(informational) memory <= 512 MB; ${parsed(first)}`, ok: first.maxRssMb <= 512 },
    { name: 'dashboard, the same, filling the fold cache', m: filling, baseline: vs, target: `(informational) ${parsed(filling)}`, ok: true },
    { name: 'dashboard after one more apply (the folds of earlier ledger files cached)', m: after, baseline: { name: 'the first build', m: first }, target: `<= 5 s; memory <= 512 MB; ${parsed(after)}`, ok: after.ms <= 5000 && after.maxRssMb <= 512 },
    { name: 'prism dashboard after one more apply, end to end (its own process)', m: command, baseline: { name: 'the first build', m: first }, target: '<= 5 s', ok: command.ms <= 5000 },
  ];
}

/** The benchmark sections, in order; `PRISM_BENCH_ONLY=terraform,synth` runs a subset. */
export const SECTIONS: Record<string, (tmp: string) => Row[] | Promise<Row[]>> = { validate: benchValidate, synth: benchSynth, preview: benchPreview, dashboard: benchDashboard, terraform: benchTerraform };

async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-bench-'));
  const only = process.env.PRISM_BENCH_ONLY?.split(',').map((s) => s.trim());
  try {
    console.error(`bench: ${os.cpus().length} cores, node ${process.version}, ${RUNS} runs per figure (median time, largest peak memory); terraform rows: one run each`);
    const rows: Row[] = [];
    for (const [name, section] of Object.entries(SECTIONS)) if (!only || only.includes(name)) rows.push(...(await section(tmp)));
    printTable(rows);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((err) => {
    console.error(String(err?.stack ?? err));
    process.exit(1);
  });
}
