import * as fs from 'node:fs';
import * as path from 'node:path';
import { execFileSync } from 'node:child_process';
import { buildModel } from '../../src/model/build-model';
import { DiscoveryResults } from '../../src/model/discovery';
import { groupByShape, synthesizeStacks, SynthesizeOptions } from '../../src/synth/synthesize';
import { synthesizeToFolder } from '../../src/pipeline/synth';
import { loadAndValidate } from '../../src/validate/load-and-validate';
import { stackName } from '../../src/core/naming';
import { runPrism } from '../helpers/cli';
import { writeRepo } from '../helpers/repo';
import { org } from '../helpers/synth';
import { generateFleet, generateRealFleet } from '../../src/bench/generate';
import { loadDiscoveryResults } from '../../src/artifacts/discovery-file';

/** Synthesises into a new folder `outDir`. */
function synthInto(model: Parameters<typeof synthesizeStacks>[0], o: Omit<SynthesizeOptions, 'writeTo'>) {
  fs.mkdirSync(o.outDir, { recursive: true });
  return synthesizeStacks(model, { ...o, writeTo: o.outDir });
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort();
}

describe('synth: output', () => {
  test('sharing one synthesis per account shape is byte-identical to synthesising each account on its own', async () => {
    // GIVEN 120 accounts of the benchmark fleet, some adopted (which makes their shape unique)
    const dir = writeRepo(Object.fromEntries(generateFleet(120, 10)));
    const checked = loadAndValidate(dir);
    const ids = [...buildModel(checked.documents).accounts.keys()];
    const discovery: DiscoveryResults = {
      version: 1,
      generatedAt: '2026-11-01T00:00:00Z',
      accounts: Object.fromEntries(ids.slice(0, 3).map((id, i) => [id, { status: 'ok' as const, policies: { C1: { state: 'unmanaged' as const, adoptedAt: `2026-10-0${i + 1}T00:00:00Z` } } }])),
    };
    const model = buildModel(checked.documents, { discovery });
    expect(groupByShape([...model.accounts.values()]).length).toBe(5); // 2 shapes + 3 adopted accounts
    // WHEN
    const shared = await synthInto(model, { outDir: path.join(dir, 'out-shared'), repoRoot: dir });
    const alone = await synthInto(model, { outDir: path.join(dir, 'out-alone'), repoRoot: dir, perAccount: true });
    // THEN every file is the same, byte for byte
    expect(shared.shapes).toBe(5);
    expect(alone.shapes).toBe(120);
    const files = listFiles(path.join(dir, 'out-shared'));
    expect(files).toEqual(listFiles(path.join(dir, 'out-alone')));
    expect(files.length).toBe(121);
    for (const f of files) {
      expect(fs.readFileSync(path.join(dir, 'out-shared', f), 'utf8')).toBe(fs.readFileSync(path.join(dir, 'out-alone', f), 'utf8'));
    }
  });

  test('composing stacks from policy and role fragments is byte-identical to synthesising each account on its own, on a heterogeneous fleet', async () => {
    // GIVEN 150 accounts with 2 to 8 of 40 permission sets each, a tenth of them adopting policies (each at its own time)
    const files = Object.fromEntries(generateRealFleet({ accounts: 150 }));
    const ids = [...new Set([...(files['assignments/set0.yaml'] as string).matchAll(/"(\d{12})"/g)].map((m) => m[1]))];
    const [a, b, c] = ids;
    // text that names accounts (the bijection must put back only the account's own ID), Terraform template text,
    // a trust policy per account, and two accounts whose text holds the reserved placeholder prefix
    files['policies/CrossAccount.json'] = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: [`arn:aws:s3:::logs-${a}/\${aws:username}/*`, `arn:aws:s3:::logs-${b}/*`] }] });
    files['permission-sets/Cross.yaml'] = `description: "Reads ${a}'s logs, %{ if true }"\ncustomerManagedPolicies: [CrossAccount, R0]\ntrustPolicy:\n  Version: "2012-10-17"\n  Statement:\n    - Effect: Allow\n      Principal: { AWS: "arn:aws:iam::${a}:root" }\n      Action: sts:AssumeRole\n      Condition: { StringEquals: { "sts:ExternalId": "{account}" } }\n`;
    files['assignments/cross.yaml'] = `permissionSet: Cross\naccounts: ["${a}", "${b}", "${c}", "${ids[3]}"]\n`;
    files['permission-sets/Odd.yaml'] = 'description: mentions PRISMPLACEHOLDER7X and PRISMSHAPE1ACCOUNT\ncustomerManagedPolicies: [R1]\n';
    files['assignments/odd.yaml'] = `permissionSet: Odd\naccounts: ["${ids[4]}", "${ids[5]}"]\n`;
    const dir = writeRepo(files);
    const checked = loadAndValidate(dir);
    expect(checked.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const discovery = loadDiscoveryResults(dir)!;
    const adopted = Object.keys(discovery.accounts);
    expect(adopted.length).toBe(15);
    // and one account where a policy is already managed but missing from the state (imported, not adopted)
    const managed = { ...discovery, accounts: { ...discovery.accounts, [c]: { status: 'ok' as const, policies: { R0: { state: 'managed' as const, arn: `arn:aws:iam::${c}:policy/Prism-R0` } } } } };
    const model = buildModel(checked.documents, { discovery: managed });
    // WHEN
    const composed = await synthInto(model, { outDir: path.join(dir, 'out-composed'), repoRoot: dir });
    const alone = await synthInto(model, { outDir: path.join(dir, 'out-alone'), repoRoot: dir, perAccount: true });
    // THEN fragments were used, and every file is the same, byte for byte
    expect(composed.fragments).toBeGreaterThan(0);
    expect(composed.shapes).toBeGreaterThan(100);
    expect(alone.fragments).toBe(0);
    const out = listFiles(path.join(dir, 'out-composed'));
    expect(out).toEqual(listFiles(path.join(dir, 'out-alone')));
    expect(out.length).toBe(151);
    for (const f of out) expect(fs.readFileSync(path.join(dir, 'out-composed', f), 'utf8')).toBe(fs.readFileSync(path.join(dir, 'out-alone', f), 'utf8'));
    // the checks above compare something: adopted and imported policies, and the cross-account text, are there
    const stack = (id: string) => fs.readFileSync(path.join(dir, 'out-composed', 'stacks', stackName(id), 'cdk.tf.json'), 'utf8');
    expect(JSON.parse(stack(adopted[1])).import.length).toBeGreaterThan(0);
    expect(JSON.parse(stack(c)).import).toEqual([{ id: `arn:aws:iam::${c}:policy/Prism-R0`, to: 'aws_iam_policy.cmp_R0' }]);
    expect(stack(b)).toContain(`logs-${a}/$\${aws:username}`);
    expect(stack(b)).toContain(`{\\"sts:ExternalId\\":\\"${b}\\"}`);
    expect(stack(ids[4])).toContain('PRISMPLACEHOLDER7X and PRISMSHAPE1ACCOUNT');
  });

  test('a failed synth leaves the previous output untouched and no temporary folder behind', async () => {
    const dir = writeRepo(org());
    const checked = loadAndValidate(dir);
    const model = buildModel(checked.documents);
    const outDir = path.join(dir, 'cdktf.out');
    await synthesizeToFolder(model, { outDir, repoRoot: dir });
    const before = listFiles(outDir).map((f) => fs.readFileSync(path.join(outDir, f), 'utf8'));
    // GIVEN a model that fails half-way (a role over the budget in the last account)
    const accounts = new Map(model.accounts);
    const last = [...accounts.keys()].pop()!;
    const bad = accounts.get(last)!;
    accounts.set(last, { ...bad, roles: bad.roles.map((r) => ({ ...r, customerManagedPolicies: Array.from({ length: 11 }, (_, i) => `X${i}`) })) });
    await expect(synthesizeToFolder({ ...model, accounts }, { outDir, repoRoot: dir, tuning: { batchSize: 1, workers: 0 } })).rejects.toThrow(/budget/);
    // and the same through worker threads
    await expect(synthesizeToFolder({ ...model, accounts }, { outDir, repoRoot: dir, tuning: { batchSize: 1 } })).rejects.toThrow(/budget/);
    // THEN
    expect(listFiles(outDir).map((f) => fs.readFileSync(path.join(outDir, f), 'utf8'))).toEqual(before);
    expect(fs.readdirSync(dir).filter((n) => n.startsWith('cdktf.out.'))).toEqual([]);
  });

  test('prism synth refuses a repository with errors and writes nothing', async () => {
    const dir = writeRepo({ ...org(), 'permission-sets/Ops.yaml': 'customerManagedPolicies:\n  - Missing\n' });
    const r = runPrism(['synth', '--dir', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('permission-sets/Ops.yaml:2:5: error ref/unknown-policy');
    expect(r.stderr).toContain('nothing was written');
    expect(fs.existsSync(path.join(dir, 'cdktf.out'))).toBe(false);
  });

  test('prism synth prints a one-line summary; --accounts writes only those stacks', async () => {
    const dir = writeRepo(org());
    const all = runPrism(['synth', '--dir', dir]);
    expect(all.code).toBe(0);
    expect(all.stderr).toMatch(/synthesised 3 account stack\(s\): 6 policies, 5 roles, 22 resources/);
    const some = runPrism(['synth', '--dir', dir, '--accounts', '333333333333']);
    expect(some.code).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'cdktf.out', 'stacks'))).toEqual(['account-333333333333']);
    expect(runPrism(['synth', '--dir', dir, '--accounts', '12']).code).toBe(2);
  });

  test("cdktf.json's app gives the same result as prism synth (cdktf synth runs it with CDKTF_OUTDIR)", async () => {
    const root = path.join(__dirname, '..', '..');
    const dir = writeRepo({});
    for (const sub of ['policies', 'permission-sets', 'assignments']) fs.cpSync(path.join(root, sub), path.join(dir, sub), { recursive: true });
    fs.cpSync(path.join(root, 'cdktf.json'), path.join(dir, 'cdktf.json'));
    fs.symlinkSync(path.join(root, 'bin'), path.join(dir, 'bin'));
    const app = JSON.parse(fs.readFileSync(path.join(dir, 'cdktf.json'), 'utf8')).app as string;
    // run the app command exactly as cdktf-cli does: through a shell, in the project folder
    execFileSync('/bin/sh', ['-c', app], { cwd: dir, env: { ...process.env, CDKTF_OUTDIR: path.join(dir, 'via-cdktf') } });
    expect(runPrism(['synth', '--dir', dir, '--out', path.join(dir, 'via-prism')]).code).toBe(0);
    const files = listFiles(path.join(dir, 'via-prism'));
    expect(files).toContain('manifest.json');
    expect(listFiles(path.join(dir, 'via-cdktf'))).toEqual(files);
    for (const f of files) expect(fs.readFileSync(path.join(dir, 'via-cdktf', f), 'utf8')).toBe(fs.readFileSync(path.join(dir, 'via-prism', f), 'utf8'));
  });
});
