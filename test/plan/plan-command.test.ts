import * as fs from 'node:fs';
import * as path from 'node:path';
import { runPrism } from '../helpers/cli';
import { FAKE_TERRAFORM } from '../helpers/fixtures';
import { change, gitRepo } from '../helpers/git';
import { org } from '../helpers/synth';

describe('prism plan (stand-in terraform replaying real output)', () => {
  const setup = () => {
    const dir = gitRepo(org());
    change(dir, { 'policies/LogsRead.json': { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:FilterLogEvents', Resource: '*' }] } });
    return dir;
  };

  test('plans every affected account; one failing account never affects the others', () => {
    const dir = setup();
    const log = path.join(dir, 'tf.log');
    const r = runPrism(['plan', '--dir', dir, '--base', 'main', '--terraform', FAKE_TERRAFORM, '--concurrency', '2'], {
      env: { FAKE_TF_LOG: log, FAKE_TF_SCENARIOS: JSON.stringify({ '222222222222': 'init-fail', '333333333333': 'import' }), TF_PLUGIN_CACHE_DIR: '' },
    });
    expect(r.code).toBe(1);
    const plan = JSON.parse(fs.readFileSync(path.join(dir, '.prism', 'plan.json'), 'utf8'));
    const byAccount = Object.fromEntries(plan.accounts.map((a: { account: string }) => [a.account, a]));
    expect(Object.keys(byAccount).sort()).toEqual(['111111111111', '222222222222', '333333333333']);
    expect(byAccount['111111111111'].status).toBe('planned');
    expect(byAccount['222222222222']).toMatchObject({ status: 'failed', diagnostics: [{ severity: 'error', summary: 'terraform init failed (exit code 1)', detail: expect.stringContaining('Failed to query available provider packages') }] });
    expect(byAccount['333333333333'].changes[0]).toMatchObject({ importing: 'bar' });
    // each stack ran init, plan with the plan role, show; all shared one plugin cache
    const calls = fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const a1 = calls.filter((c) => c.account === '111111111111').map((c) => c.args[0]);
    expect(a1).toEqual(['init', 'plan', 'show']);
    const planCall = calls.find((c) => c.account === '111111111111' && c.args[0] === 'plan');
    expect(planCall.args).toEqual(['plan', '-input=false', '-json', '-out=tfplan', '-var=assume_role_arn=arn:aws:iam::111111111111:role/PrismPlan']);
    expect(new Set(calls.map((c) => c.pluginCache))).toEqual(new Set([path.join(dir, '.terraform-plugin-cache')]));
    expect(calls.every((c) => c.cwd.endsWith(`cdktf.out/stacks/account-${c.account}`))).toBe(true);
  });

  test('concurrency is bounded', () => {
    const dir = setup();
    const log = path.join(dir, 'tf.log');
    const r = runPrism(['plan', '--dir', dir, '--base', 'main', '--terraform', FAKE_TERRAFORM, '--concurrency', '1'], { env: { FAKE_TF_LOG: log, FAKE_TF_DELAY_MS: '50' } });
    expect(r.code).toBe(0);
    // with one lane, an account's init never starts before the previous account's show
    const calls = fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const order = calls.map((c) => c.account);
    expect(order).toEqual([...order].sort((a, b) => order.indexOf(a) - order.indexOf(b)));
    expect(order.join(',')).toMatch(/^(\d{12}),\1,\1,(\d{12}),\2,\2,(\d{12}),\3,\3$/);
  });

  test('the preview merges the plans: a failed account is shown', () => {
    const dir = setup();
    runPrism(['plan', '--dir', dir, '--base', 'main', '--terraform', FAKE_TERRAFORM], { env: { FAKE_TF_SCENARIOS: JSON.stringify({ '222222222222': 'plan-error' }) } });
    const r = runPrism(['preview', '--dir', dir, '--base', 'main']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('### Terraform plan failed in 1 account(s)');
    expect(r.stdout).toContain('- 222222222222: Unsupported block type');
  });
});
