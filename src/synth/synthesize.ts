import * as fs from 'node:fs';
import * as path from 'node:path';
import { App } from 'cdktf';
import { Settings } from '../core/settings';
import { AccountDesiredState, DeploymentModel } from '../model/desired-state';
import { AccountStack } from './account-stack';
import { stackName } from './addresses';

/** Options for `synthesizeStacks`. */
export interface SynthesizeOptions {
  /** The output folder, replaced atomically. @default cdktf.out */
  readonly outDir: string;
  /** Repository root: the local backend's state folder is relative to it. */
  readonly repoRoot: string;
  /** Accounts per cdktf App; bounds memory. @default 50 */
  readonly batchSize?: number;
  /** Called after each batch. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** What a synth wrote. */
export interface SynthesisResult {
  readonly stacks: number;
  /** Distinct account shapes synthesised with cdktf. */
  readonly shapes: number;
  readonly policies: number;
  readonly roles: number;
  readonly resources: number;
  readonly outDir: string;
}

type StackManifest = Record<string, unknown>;

/** Counts the Terraform resources a desired state produces: policies, roles, attachments, inline policies. */
export function countResources(state: AccountDesiredState): { policies: number; roles: number; resources: number } {
  let resources = state.policies.length + state.roles.length;
  for (const r of state.roles) resources += r.awsManagedPolicyArns.length + r.customerManagedPolicies.length + (r.inlinePolicy ? 1 : 0);
  return { policies: state.policies.length, roles: state.roles.length, resources };
}

/**
 * Synthesises a batch of account stacks with one cdktf App into `dir` (stacks/<name>/cdk.tf.json and
 * manifest.json, exactly as `cdktf synth` writes them) and returns the batch's manifest entries.
 */
export function synthesizeBatch(dir: string, states: readonly AccountDesiredState[], settings: Settings, repoRoot: string, finalOutDir: string): Record<string, StackManifest> {
  const app = new App({ outdir: dir, stackTraces: false });
  for (const state of states) {
    const name = stackName(state.account);
    const stackDir = path.join(finalOutDir, 'stacks', name);
    const statePath = settings.backend.type === 'local' ? path.join(repoRoot, settings.backend.dir, `${state.account}.tfstate`) : '';
    new AccountStack(app, name, state, settings, { localStatePath: path.relative(stackDir, statePath) });
  }
  app.synth();
  return (JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { stacks: Record<string, StackManifest> }).stacks;
}

/** Writes JSON with sorted keys and 2-space indent, as cdktf's manifest does. */
function stableStringify(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sort) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])])) : v;
  return JSON.stringify(sort(value), null, 2);
}

/** Stands for the account ID in a shape's key; has no digits, so it never overlaps an account ID. */
const SHAPE_SENTINEL = 'PRISMACCOUNTSENTINEL';
const shapeAccount = (i: number) => `PRISMSHAPE${i}ACCOUNT`;

/** Accounts whose desired states are equal but for the account ID, so one synthesis serves them all. */
interface Shape {
  readonly template: AccountDesiredState;
  readonly accounts: string[];
}

/**
 * Groups accounts by shape: the desired state with the account ID replaced by a sentinel. Replacing
 * is a bijection for each account (the sentinel never occurs in user content; if it did, that account
 * gets a shape of its own), so putting an account's ID back into its shape gives its state exactly.
 */
export function groupByShape(states: readonly AccountDesiredState[]): Shape[] {
  const shapes = new Map<string, Shape>();
  for (const state of states) {
    const text = JSON.stringify(state);
    const key = text.includes(SHAPE_SENTINEL) ? `unique:${state.account}` : text.split(state.account).join(SHAPE_SENTINEL);
    let shape = shapes.get(key);
    if (!shape) shapes.set(key, (shape = { template: state, accounts: [] }));
    shape.accounts.push(state.account);
  }
  return [...shapes.values()];
}

/** Options for shape sharing. */
export interface ShapeOptions {
  /** Synthesise every account separately, as a plain cdktf App would. @default false */
  readonly perAccount?: boolean;
}

/**
 * Synthesises one stack per account into `outDir`, atomically: everything is written to a temporary
 * sibling folder that replaces `outDir` by rename only when complete. A failed or interrupted synth
 * leaves the previous `outDir` untouched.
 *
 * Each distinct account shape is synthesised once with cdktf (App.synth(), in batches that bound
 * memory) under a placeholder account, and every account of that shape gets the result with its ID
 * put back. The output is byte-identical to synthesising each account on its own (tested).
 */
export function synthesizeStacks(model: DeploymentModel, options: SynthesizeOptions & ShapeOptions): SynthesisResult {
  const outDir = path.resolve(options.outDir);
  const parent = path.dirname(outDir);
  fs.mkdirSync(parent, { recursive: true });
  removeStaleTemps(outDir);
  const tmp = fs.mkdtempSync(path.join(parent, `${path.basename(outDir)}.tmp-${process.pid}-`));
  try {
    const states = [...model.accounts.values()];
    const shapes = options.perAccount ? states.map((s) => ({ template: s, accounts: [s.account] })) : groupByShape(states);
    const batchSize = options.batchSize ?? 50;
    const stacks: Record<string, StackManifest> = {};
    let version = '';
    let done = 0;
    fs.mkdirSync(path.join(tmp, 'stacks'), { recursive: true });
    for (let i = 0; i < shapes.length; i += batchSize) {
      const batch = shapes.slice(i, i + batchSize);
      // synthesise each shape under a placeholder account (a real one when the shape has a single account)
      const placeholders = batch.map((shape, k) => (shape.accounts.length === 1 ? shape.accounts[0] : shapeAccount(i + k)));
      const templates = batch.map((shape, k) => (shape.accounts.length === 1 ? shape.template : specialise(shape.template, shape.template.account, placeholders[k])));
      const manifest = synthesizeBatch(tmp, templates, model.settings, options.repoRoot, outDir);
      version ||= (JSON.parse(fs.readFileSync(path.join(tmp, 'manifest.json'), 'utf8')) as { version: string }).version;
      batch.forEach((shape, k) => {
        const placeholder = placeholders[k];
        const name = stackName(placeholder);
        if (shape.accounts.length === 1) {
          stacks[name] = manifest[name];
        } else {
          const file = path.join(tmp, 'stacks', name, 'cdk.tf.json');
          const text = fs.readFileSync(file, 'utf8');
          const entry = JSON.stringify(manifest[name]);
          for (const account of shape.accounts) {
            const target = stackName(account);
            fs.mkdirSync(path.join(tmp, 'stacks', target));
            fs.writeFileSync(path.join(tmp, 'stacks', target, 'cdk.tf.json'), text.split(placeholder).join(account));
            stacks[target] = JSON.parse(entry.split(placeholder).join(account));
          }
          fs.rmSync(path.join(tmp, 'stacks', name), { recursive: true });
        }
        done += shape.accounts.length;
      });
      options.onProgress?.(done, states.length);
    }
    fs.writeFileSync(path.join(tmp, 'manifest.json'), stableStringify({ stacks, version }));

    // swap
    const old = `${outDir}.old-${process.pid}`;
    if (fs.existsSync(outDir)) fs.renameSync(outDir, old);
    fs.renameSync(tmp, outDir);
    fs.rmSync(old, { recursive: true, force: true });

    const totals = states.map(countResources).reduce((a, b) => ({ policies: a.policies + b.policies, roles: a.roles + b.roles, resources: a.resources + b.resources }), { policies: 0, roles: 0, resources: 0 });
    return { stacks: states.length, shapes: shapes.length, ...totals, outDir };
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

function specialise(state: AccountDesiredState, from: string, to: string): AccountDesiredState {
  return JSON.parse(JSON.stringify(state).split(from).join(to)) as AccountDesiredState;
}

/** Removes temporary folders left by a synth that was killed (its process is gone). */
function removeStaleTemps(outDir: string): void {
  const base = path.basename(outDir);
  for (const name of fs.readdirSync(path.dirname(outDir))) {
    const m = new RegExp(`^${base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.(?:tmp|old)-(\\d+)`).exec(name);
    if (m && !isRunning(Number(m[1]))) fs.rmSync(path.join(path.dirname(outDir), name), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
