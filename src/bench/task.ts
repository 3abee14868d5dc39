/**
 * One benchmark measurement, run in a fresh process so that its time and peak memory are its own.
 * Prints {"ms": <wall time of the work>, "maxRssMb": <peak resident memory>, "result"?: <what the task reports, e.g. shapes>}.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

type Task = (dir: string, arg?: string) => unknown;

const tasks: Record<string, Task> = {
  /** Baseline: read every user file and parse it with JSON.parse / YAML.parse, nothing else. */
  'read-parse': (dir) => {
    const YAML = require('yaml') as typeof import('yaml');
    let n = 0;
    for (const sub of ['policies', 'permission-sets', 'assignments']) {
      for (const name of fs.readdirSync(path.join(dir, sub))) {
        const text = fs.readFileSync(path.join(dir, sub, name), 'utf8');
        n += name.endsWith('.json') ? Object.keys(JSON.parse(text)).length : Object.keys(YAML.parse(text) ?? {}).length;
      }
    }
    return n;
  },
  validate: (dir) => validateTask(dir, true),
  /** Validation without the checks that need the IAM catalog (actions, ARNs, condition keys, risky grants): the baseline for their cost. */
  'validate-plain': (dir) => validateTask(dir, false),
};

function validateTask(dir: string, intelligence: boolean): number {
  {
    const { parseRepo } = require('../load/parse-repo') as typeof import('../load/parse-repo');
    const { readRepoFromDisk } = require('../load/read-repo') as typeof import('../load/read-repo');
    const { validateRepo } = require('../validate/validate') as typeof import('../validate/validate');
    const { diagnostics } = validateRepo(parseRepo(readRepoFromDisk(dir)), { intelligence });
    const errors = diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) throw new Error(`benchmark repository has ${errors.length} errors, e.g. ${errors[0].message}`);
    return diagnostics.length;
  }
}

const moreTasks: Record<string, Task> = {
  /** Full synth: every account of the fleet, as `prism synth` does it. */
  'synth-full': (dir) => synth(dir, {}),
  /** Full synth by whole stacks, one cdktf synthesis per distinct account shape: the method before fragments. */
  'synth-by-shape': (dir) => synth(dir, { byShape: true }),
  /** Incremental: only the accounts that hold the edited policy. */
  'synth-incremental': (dir, policy) => synth(dir, { policy }),
  /** Baseline: one plain cdktf App holding every stack, then app.synth(). */
  'synth-plain-app': (dir) => {
    const { model } = loadModel(dir);
    const { synthesizePlainApp } = require('../synth/baselines') as typeof import('../synth/baselines');
    synthesizePlainApp(model, path.join(dir, `plain.out-${process.pid}`));
  },
  /** Floor: the same resources written as Terraform JSON directly. */
  'synth-direct-json': (dir) => {
    const { model } = loadModel(dir);
    const { writeDirectJson } = require('../synth/baselines') as typeof import('../synth/baselines');
    writeDirectJson(model, path.join(dir, `direct.out-${process.pid}`));
  },
};

function loadModel(dir: string, accounts?: (model: import('../model/desired-state').DeploymentModel) => Set<string>) {
  const { loadAndValidate } = require('../validate/load-and-validate') as typeof import('../validate/load-and-validate');
  const { buildModel } = require('../model/build-model') as typeof import('../model/build-model');
  const { loadDiscoveryResults } = require('../artifacts/discovery-file') as typeof import('../artifacts/discovery-file');
  const checked = loadAndValidate(dir);
  // adoptions, when the organisation has them (.prism/discovery.json), as prism synth reads them
  const discovery = loadDiscoveryResults(dir);
  let model = buildModel(checked.documents, { discovery });
  if (accounts) model = buildModel(checked.documents, { discovery, accounts: accounts(model) });
  return { model };
}

async function synth(dir: string, options: { byShape?: boolean; policy?: string }): Promise<{ stacks: number; shapes: number; fragments: number }> {
  const { synthesizeStacks } = require('../synth/synthesize') as typeof import('../synth/synthesize');
  const affected = options.policy
    ? (m: import('../model/desired-state').DeploymentModel) => new Set([...m.accounts.values()].filter((a) => a.policies.some((p) => p.name === options.policy)).map((a) => a.account))
    : undefined;
  const { model } = loadModel(dir, affected);
  // a fresh output folder, as in CI (replacing a previous 1,000-stack output costs its deletion too)
  const outDir = path.join(dir, `cdktf.out-${process.pid}`);
  fs.mkdirSync(outDir);
  const { stacks, shapes, fragments } = await synthesizeStacks(model, { writeTo: outDir, outDir, repoRoot: dir, byShape: options.byShape });
  return { stacks, shapes, fragments };
}

const PRISM_BIN = path.join(__dirname, '..', '..', 'bin', 'prism.js');

/** `prism dashboard` in this process on the repository `dir` (documents and the ledger folder), into a fresh folder. */
async function dashboardRun(dir: string, cache: boolean): Promise<Record<string, number>> {
  const { dashboard } = require('../pipeline/dashboard') as typeof import('../pipeline/dashboard');
  const { CollectingReporter } = require('../pipeline/reporter') as typeof import('../pipeline/reporter');
  const r = await dashboard({ dir, out: path.join(dir, '..', `site-${process.pid}`), reporter: new CollectingReporter(), ...(cache ? {} : { cache: false }) });
  return { files: r.files, ledgerFiles: r.ledgerFiles, parsed: r.parsed };
}

const dashboardTasks: Record<string, Task> = {
  /** Baseline: read every ledger file and JSON.parse every line. */
  'ledger-read-parse': (dir) => (require('./dashboard') as typeof import('./dashboard')).readAndParseLedger(dir),
  /** The first build: nothing cached, every ledger file parsed (in worker threads), the site written. */
  'dashboard-first': (dir) => dashboardRun(dir, false),
  /** A build after one more apply: the cache holds the folds of every other ledger file. */
  'dashboard-after-apply': (dir) => dashboardRun(dir, true),
  /** The same, as the workflow runs it: the `prism dashboard` command in a process of its own. */
  'dashboard-command-after-apply': (dir) => {
    const r = spawnSync(process.execPath, [PRISM_BIN, 'dashboard', '--dir', dir, '--out', path.join(dir, '..', `site-cli-${process.pid}`), '--quiet'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`prism dashboard failed (${r.status}): ${r.stderr}`);
    return 1;
  },
};

/** Work done before a task's clock starts: for the builds after an apply, that apply's run file. */
const setups: Record<string, (dir: string) => void> = {
  'dashboard-after-apply': (dir) => (require('./dashboard') as typeof import('./dashboard')).writeNextRun(dir),
  'dashboard-command-after-apply': (dir) => (require('./dashboard') as typeof import('./dashboard')).writeNextRun(dir),
};

Object.assign(tasks, moreTasks, dashboardTasks);

async function main(): Promise<void> {
  const [name, dir, arg] = process.argv.slice(2);
  const task = tasks[name];
  if (!task) throw new Error(`unknown benchmark task ${name}`);
  setups[name]?.(dir);
  const start = process.hrtime.bigint();
  const result = await task(dir, arg);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(JSON.stringify({ ms, maxRssMb, ...(result && typeof result === 'object' ? { result } : {}) }) + '\n');
}

if (require.main === module) {
  main().catch((err) => {
    process.stderr.write(String(err?.stack ?? err) + '\n');
    process.exit(1);
  });
}
