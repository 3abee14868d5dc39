import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

describe('the optional GitHub Pages workflow', () => {
  const text = fs.readFileSync(path.join(__dirname, '..', '..', '.github', 'workflows', 'prism-dashboard.yml'), 'utf8');
  const wf = parse(text);

  test('runs after every apply or retry (whatever their outcome) and on demand', () => {
    expect(wf.on.workflow_run).toEqual({ workflows: ['prism apply', 'prism retry'], types: ['completed'] });
    expect(wf.on).toHaveProperty('workflow_dispatch');
    for (const name of ['prism apply', 'prism retry']) {
      const file = name.replace(' ', '-') + '.yml';
      expect(parse(fs.readFileSync(path.join(__dirname, '..', '..', '.github', 'workflows', file), 'utf8')).name).toBe(name);
    }
  });

  test('builds the site from main with prism dashboard and deploys it with the Pages permissions only', () => {
    const job = wf.jobs.publish;
    expect(job.permissions).toEqual({ contents: 'read', pages: 'write', 'id-token': 'write' });
    expect(job.steps[0].with.ref).toBe('main');
    expect(job.steps.map((s: { run?: string }) => s.run).filter(Boolean)).toEqual(['npx prism dashboard --out _site']);
    expect(job.steps.map((s: { uses?: string }) => s.uses?.split('@')[0]).filter(Boolean)).toEqual(['actions/checkout', './.github/actions/setup', 'actions/cache', 'actions/upload-pages-artifact', 'actions/deploy-pages']);
  });

  test('keeps the fold cache where prism dashboard looks for it, restored from any earlier build', () => {
    const cache = wf.jobs.publish.steps.find((s: { uses?: string }) => s.uses?.startsWith('actions/cache@'));
    expect(cache.with.path).toBe('.prism/cache/dashboard');
    expect(cache.with.key).toMatch(/^prism-dashboard-folds-\$\{\{ github.run_id \}\}$/);
    expect(cache.with['restore-keys']).toBe('prism-dashboard-folds-');
  });
});
