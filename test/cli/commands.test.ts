/**
 * The command line as a new user meets it: every command's help is complete (every flag, examples
 * that parse), `prism help <command>` works, typos get a "did you mean", a missing or wrong flag
 * names itself, and a folder that is not a Prism repository is a usage error, not an empty one.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CommandSpec, helpText, parseCommandLine } from '../../src/cli/command';
import { COMMAND_NAMES, loadCommand, main } from '../../src/cli/main';
import { exampleRepoCopy } from '../dashboard/helpers';
import { runPrism } from '../helpers/cli';
import { gitRepo } from '../helpers/git';
import { minimalRepo, writeRepo } from '../helpers/repo';

async function run(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t) });
  return { code, stdout, stderr };
}

/** A shell-like split of an example's command line (quotes kept together, variables left as words). */
const words = (line: string) => [...line.matchAll(/"[^"]*"|'[^']*'|\S+/g)].map((m) => m[0].replace(/^["']|["']$/g, ''));

describe('help: complete for every command', () => {
  let specs: CommandSpec[];
  beforeAll(async () => {
    specs = await Promise.all(COMMAND_NAMES.map(loadCommand));
  });

  test('every declared flag is in the command\'s usage line and in its flag list, with a description', () => {
    for (const spec of specs) {
      const help = helpText(spec);
      const usage = spec.usage.join(' ');
      for (const [name, flag] of Object.entries(spec.flags)) {
        expect([spec.name, name, usage.includes(`--${name}`)]).toEqual([spec.name, name, true]);
        expect(help).toMatch(new RegExp(`^ {6}--${name}${flag.value ? ` ${flag.value}` : ''} +\\S`, 'm'));
        expect(flag.description.length).toBeGreaterThan(10);
      }
      // and nothing in the usage line that is not a flag
      for (const m of usage.matchAll(/--([a-z-]+)/g)) expect([spec.name, m[1] in spec.flags]).toEqual([spec.name, true]);
    }
  });

  test('every command has examples, and each example parses against the declaration', () => {
    for (const spec of specs) {
      expect([spec.name, spec.examples.length > 0]).toEqual([spec.name, true]);
      for (const e of spec.examples) {
        const [name, ...argv] = words(e.command);
        expect(name).toBe(spec.name);
        expect(() => parseCommandLine(spec, argv)).not.toThrow();
        expect(e.description.length).toBeGreaterThan(10);
      }
      expect(spec.exitCodes.some((c) => c.startsWith('2 '))).toBe(true);
    }
  });

  test('prism help <command> and prism <command> --help print the same help, exit 0', async () => {
    for (const name of COMMAND_NAMES) {
      const a = await run(['help', name]);
      const b = await run([name, '--help']);
      expect(a.code).toBe(0);
      expect(a.stdout).toBe(b.stdout);
      expect(a.stdout).toContain('Examples:');
      expect(a.stdout).toContain('Exit codes:');
    }
  });

  test('a required flag is marked in the help, and its absence names it', async () => {
    const bootstrap = await run(['bootstrap', '--help']);
    expect(bootstrap.stdout).toMatch(/--github-repo OWNER\/NAME .*\(required\)/);
    expect(bootstrap.stdout).toMatch(/--hub-account ID .*\(required\)/);
    const missing = await run(['bootstrap', '--hub-account', '111122223333']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^prism: prism bootstrap needs --github-repo OWNER\/NAME: /);
    const apply = await run(['apply']);
    expect(apply.code).toBe(2);
    expect(apply.stderr).toContain('prism apply needs --base REF');
  });

  test('a wrong value names its own flag', async () => {
    const dir = writeRepo(minimalRepo());
    const r = await run(['bootstrap', '--dir', dir, '--github-repo', 'acme/iam', '--hub-account', '5678']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('prism: --hub-account is "5678"; expected one 12-digit account ID\n');
    const s = await run(['synth', '--dir', dir, '--accounts', '12345']);
    expect(s.stderr).toContain('--accounts contains "12345"');
  });
});

describe('did you mean', () => {
  test('commands, flags and help topics', async () => {
    expect(await run(['valdate'])).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown command "valdate"; did you mean validate?') });
    expect(await run(['validate', '--fromat', 'json'])).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown flag --fromat for validate; did you mean --format?') });
    expect(await run(['help', 'rolouts'])).toMatchObject({ code: 2, stderr: expect.stringContaining('did you mean rollouts?') });
  });

  test('retry and rollouts: a policy name that is neither in policies/ nor in the ledger', () => {
    const dir = gitRepo(minimalRepo());
    for (const args of [['retry', 'S3Raed', '--no-ledger'], ['rollouts', 'S3Raed']]) {
      const r = runPrism([...args, '--dir', dir]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('no policy named S3Raed: it is not in policies/ and the rollout ledger has no rollout of it; did you mean S3Read?');
    }
    // a policy of the repository with no rollout yet is not an error
    const known = runPrism(['rollouts', 'S3Read', '--dir', dir]);
    expect(known.code).toBe(0);
    expect(known.stderr).toContain('no rollout of S3Read is recorded yet');
  });
});

describe('the repository root', () => {
  const empty = () => fs.mkdtempSync(path.join(os.tmpdir(), 'prism-empty-'));

  test.each([['validate'], ['synth'], ['drift'], ['plan', '--all'], ['rollouts', '--check'], ['dashboard']])('%s in a folder that is not a repository exits 2 and writes nothing', (...args) => {
    const dir = empty();
    const r = runPrism(args, { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('is not in a Prism repository: neither it nor any folder above it has policies/, permission-sets/ or assignments/');
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test('--dir that is not a repository is named', () => {
    const dir = empty();
    const r = runPrism(['validate', '--dir', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--dir ${dir} is not a Prism repository: it has none of policies/, permission-sets/, assignments/`);
  });

  test('from a folder inside the repository, the root is found as git finds it', () => {
    const dir = writeRepo(minimalRepo());
    const r = runPrism(['validate'], { cwd: path.join(dir, 'policies') });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('in 0 of 3 files checked');
  });
});

describe('validate --quiet and colour', () => {
  test('--quiet prints the errors and the totals only', () => {
    const files: Record<string, string | object> = { ...minimalRepo() };
    for (let i = 0; i < 30; i++) files[`policies/Lib${i}.json`] = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] };
    files['policies/Bad.json'] = { Version: '2012-10-17', Statement: [{ Effect: 'allow', Action: 's3:GetObject', Resource: '*' }] };
    const dir = writeRepo(files);
    const loud = runPrism(['validate', '--dir', dir]);
    const quiet = runPrism(['validate', '--dir', dir, '--quiet']);
    expect(loud.stdout.split('\n').length).toBeGreaterThan(60);
    expect(quiet.code).toBe(1);
    expect(quiet.stdout).toBe(
      'policies/Bad.json:5:17: error iam/effect: Effect is "allow"; expected "Allow" or "Deny" (case-sensitive)\n1 error(s), 0 warning(s), 31 note(s) in 31 of 34 files checked\n',
    );
  });

  test('colour only when forced or on a terminal, never with NO_COLOR', () => {
    const dir = writeRepo({ ...minimalRepo(), 'policies/Bad.json': { Version: '2012-10-17', Statement: [{ Effect: 'allow', Action: 's3:GetObject', Resource: '*' }] } });
    expect(runPrism(['validate', '--dir', dir]).stdout).not.toContain('\x1b[');
    expect(runPrism(['validate', '--dir', dir], { env: { FORCE_COLOR: '1' } }).stdout).toContain('\x1b[31merror\x1b[39m');
    expect(runPrism(['validate', '--dir', dir], { env: { FORCE_COLOR: '', NO_COLOR: '1' } }).stdout).not.toContain('\x1b[');
  });
});

describe('rollouts --check', () => {
  test('exits 1 while the latest rollout of a policy failed somewhere, with the retry command', () => {
    const dir = exampleRepoCopy();
    const failing = runPrism(['rollouts', 'DenyOutsideEU', '--check', '--dir', dir]);
    expect(failing.code).toBe(1);
    expect(failing.stdout).toMatch(/^DenyOutsideEU: 4 success · 0 pending · 1 failed$/m);
    expect(failing.stdout).toMatch(/^❌ +\d{12} +EDIT +FAILED /m);
    expect(failing.stderr).toContain('prism retry DenyOutsideEU');
    expect(runPrism(['rollouts', 'DataLakeRead', '--check', '--dir', dir]).code).toBe(0);
    const all = runPrism(['rollouts', '--check', '--dir', dir]);
    expect(all.code).toBe(1);
    expect(all.stdout).toMatch(/^DenyOutsideEU: 4 success · 0 pending · 1 failed \(failed in \d{12}\); prism retry DenyOutsideEU$/m);
  });
});

describe('bootstrap: what to do next', () => {
  test('prints the hub role ARNs and the exact repository variables to set', () => {
    const dir = writeRepo({ ...minimalRepo(), 'cdktf.json': { context: { prism: { region: 'eu-west-1' } } } });
    const r = runPrism(['bootstrap', '--dir', dir, '--github-repo', 'acme/iam-policies', '--hub-account', '111122223333'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('bootstrap: 2 stack(s) -> cdktf.out.bootstrap (hub 111122223333, repository acme/iam-policies)\n');
    const lines = r.stdout.split('\n');
    expect(lines).toContain('  plan (pull requests, drift):  arn:aws:iam::111122223333:role/PrismPlanHub');
    expect(lines).toContain('  deploy (main only):           arn:aws:iam::111122223333:role/PrismDeployHub');
    expect(lines).toContain('   for d in cdktf.out.bootstrap/stacks/*; do (cd "$d" && terraform init && terraform apply); done');
    expect(lines).toContain("   gh variable set PRISM_PLAN_HUB_ROLE_ARN --repo acme/iam-policies --body 'arn:aws:iam::111122223333:role/PrismPlanHub'");
    expect(lines).toContain("   gh variable set PRISM_DEPLOY_HUB_ROLE_ARN --repo acme/iam-policies --body 'arn:aws:iam::111122223333:role/PrismDeployHub'");
    expect(r.stdout).toContain('AWS_REGION (where the workflows sign in to the hub account (default us-east-1); your settings say eu-west-1)');
    expect(r.stdout).toContain('Allow GitHub Actions to create and approve pull requests');
    // the stacks named in the loop exist
    expect(fs.readdirSync(path.join(dir, 'cdktf.out.bootstrap', 'stacks')).sort()).toEqual(['bootstrap-111111111111', 'bootstrap-111122223333']);
  });
});
