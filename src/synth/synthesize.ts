import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { App } from 'cdktf';
import { Settings } from '../core/settings';
import { AccountDesiredState, DeploymentModel } from '../model/desired-state';
import { AccountStack } from './account-stack';
import { synthesizeIdentityCenterStack } from './identity-center-stack';
import { IDENTITY_CENTER_STACK, stackName } from '../core/naming';
import { composeAccounts, FragmentMismatch, manifestEntryFor, planFragments, RESERVED_PREFIX, synthesizeFragments } from './fragments';

/** Options for `synthesizeStacks`. */
export interface SynthesizeOptions {
  /** Where the stacks are written: an empty folder (the caller swaps it into place). */
  readonly writeTo: string;
  /** Where the output folder will live: each local backend's state path is relative to it. */
  readonly outDir: string;
  /** Repository root: the local backend's state folder is relative to it. */
  readonly repoRoot: string;
  /** Account shapes per cdktf App. @default 50 */
  readonly batchSize?: number;
  /** Synthesise every account separately, as a plain cdktf App would. @default false */
  readonly perAccount?: boolean;
  /** Synthesise whole stacks, once per distinct account shape, instead of composing them from fragments (the method before fragments; for the benchmark). @default false */
  readonly byShape?: boolean;
  /**
   * Worker threads for runs of more than one batch. cdktf keeps every token (with its stack trace) in a
   * process-wide map that is never freed, so only a fresh isolate bounds memory. @default 2
   */
  readonly workers?: number;
  /** Called as accounts are written. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** What a synth wrote. */
export interface SynthesisResult {
  readonly stacks: number;
  /** Distinct account stacks, up to the account ID. */
  readonly shapes: number;
  /** Resources in the distinct policy and role fragments synthesised with cdktf (0 when synthesised by shape). */
  readonly fragments: number;
  readonly policies: number;
  readonly roles: number;
  readonly resources: number;
  readonly outDir: string;
  /** Identity-center mode: the identity-center stack was written too. */
  readonly identityCenter?: boolean;
}

type StackManifest = Record<string, unknown>;

/** Accounts whose desired states are equal but for the account ID, so one synthesis serves them all. */
export interface Shape {
  readonly template: AccountDesiredState;
  readonly accounts: string[];
}

/** One unit of work for an App: shapes, and the placeholder account each is synthesised under. */
export interface ShapeBatch {
  readonly shapes: readonly Shape[];
  readonly placeholders: readonly string[];
}

/** What `synthesizeShapeBatch` needs besides the shapes. */
export interface BatchContext {
  readonly tmp: string;
  readonly scratch: string;
  readonly settings: Settings;
  readonly repoRoot: string;
  readonly outDir: string;
}

/** Counts the Terraform resources a desired state produces: policies, roles, attachments, inline policies. */
export function countResources(state: AccountDesiredState): { policies: number; roles: number; resources: number } {
  let resources = state.policies.length + state.roles.length;
  for (const r of state.roles) resources += r.awsManagedPolicyArns.length + r.customerManagedPolicies.length + (r.inlinePolicy ? 1 : 0);
  return { policies: state.policies.length, roles: state.roles.length, resources };
}

/** Stands for the account ID in a shape's key; has no digits, so it never overlaps an account ID. */
const SHAPE_SENTINEL = 'PRISMACCOUNTSENTINEL';
const shapeAccount = (i: number) => `PRISMSHAPE${i}ACCOUNT`;

/**
 * Groups accounts by shape: the desired state with the account ID replaced by a sentinel. Replacing
 * is a bijection for each account (the sentinel never occurs in user content; if it did, that account
 * gets a shape of its own), so putting an account's ID back into its shape gives its state exactly.
 */
export function groupByShape(states: readonly AccountDesiredState[]): Shape[] {
  const shapes = new Map<string, Shape>();
  for (const state of states) {
    const text = JSON.stringify(state);
    const key = text.includes(SHAPE_SENTINEL) || text.includes('PRISMSHAPE') ? `unique:${state.account}` : text.split(state.account).join(SHAPE_SENTINEL);
    let shape = shapes.get(key);
    if (!shape) shapes.set(key, (shape = { template: state, accounts: [] }));
    shape.accounts.push(state.account);
  }
  return [...shapes.values()];
}

/** The local backend's state file of `account`, relative to its stack's folder (unused by other backends). */
function localStatePath(ctx: Pick<BatchContext, 'settings' | 'repoRoot' | 'outDir'>, account: string): string {
  const statePath = ctx.settings.backend.type === 'local' ? path.join(ctx.repoRoot, ctx.settings.backend.dir, `${account}.tfstate`) : '';
  return path.relative(path.join(ctx.outDir, 'stacks', stackName(account)), statePath);
}

function specialise(state: AccountDesiredState, from: string, to: string): AccountDesiredState {
  return JSON.parse(JSON.stringify(state).split(from).join(to)) as AccountDesiredState;
}

/**
 * Synthesises a batch of shapes with one cdktf App (App.synth(), which writes stacks/<name>/cdk.tf.json
 * and manifest.json into `scratch`, exactly as `cdktf synth` does), then writes every account's stack
 * into `tmp/stacks` with its ID in place of the placeholder. Returns the accounts' manifest entries.
 */
export function synthesizeShapeBatch(batch: ShapeBatch, ctx: BatchContext): Record<string, StackManifest> {
  fs.mkdirSync(ctx.scratch, { recursive: true });
  const app = new App({ outdir: ctx.scratch, stackTraces: false });
  batch.shapes.forEach((shape, k) => {
    const placeholder = batch.placeholders[k];
    const state = placeholder === shape.template.account ? shape.template : specialise(shape.template, shape.template.account, placeholder);
    new AccountStack(app, stackName(placeholder), state, ctx.settings, { localStatePath: localStatePath(ctx, placeholder) });
  });
  app.synth();
  const manifest = (JSON.parse(fs.readFileSync(path.join(ctx.scratch, 'manifest.json'), 'utf8')) as { version: string; stacks: Record<string, StackManifest> });
  const stacks: Record<string, StackManifest> = {};
  batch.shapes.forEach((shape, k) => {
    const placeholder = batch.placeholders[k];
    const name = stackName(placeholder);
    const text = fs.readFileSync(path.join(ctx.scratch, 'stacks', name, 'cdk.tf.json'), 'utf8');
    const entry = JSON.stringify(manifest.stacks[name]);
    for (const account of shape.accounts) {
      const target = stackName(account);
      fs.mkdirSync(path.join(ctx.tmp, 'stacks', target));
      fs.writeFileSync(path.join(ctx.tmp, 'stacks', target, 'cdk.tf.json'), text.split(placeholder).join(account));
      stacks[target] = JSON.parse(entry.split(placeholder).join(account));
    }
  });
  fs.writeFileSync(path.join(ctx.tmp, '.cdktf-version'), manifest.version);
  fs.rmSync(path.join(ctx.scratch, 'stacks'), { recursive: true, force: true });
  return stacks;
}

/** Writes JSON with sorted keys and 2-space indent, as cdktf's manifest does. */
function stableStringify(value: unknown): string {
  const sort = (v: unknown): unknown =>
    Array.isArray(v) ? v.map(sort) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])])) : v;
  return JSON.stringify(sort(value), null, 2);
}

/** The compiled worker script (tests run from src/ with ts-jest; the worker always runs compiled). */
function workerScript(): string {
  const here = path.join(__dirname, 'synth-worker.js');
  return fs.existsSync(here) ? here : path.join(__dirname, '..', '..', 'dist', 'synth', 'synth-worker.js');
}

/** Shapes each worker synthesises before it is replaced, bounding what cdktf's token map holds. */
const SHAPES_PER_WORKER = 150;

/** Runs batches on a pool of recycled worker threads; resolves with every manifest entry. */
async function runOnWorkers(
  batches: ShapeBatch[],
  ctx: Omit<BatchContext, 'scratch'>,
  workers: number,
  onBatch: (accounts: number) => void,
): Promise<Record<string, StackManifest>> {
  const stacks: Record<string, StackManifest> = {};
  let next = 0;
  const lane = async (laneId: number): Promise<void> => {
    while (next < batches.length) {
      // one worker takes consecutive batches up to its budget, then exits and frees its isolate
      const mine: ShapeBatch[] = [];
      let shapes = 0;
      while (next < batches.length && (mine.length === 0 || shapes + batches[next].shapes.length <= SHAPES_PER_WORKER)) {
        shapes += batches[next].shapes.length;
        mine.push(batches[next++]);
      }
      await new Promise<void>((resolve, reject) => {
        const worker = new Worker(workerScript(), { workerData: { batches: mine, ctx: { ...ctx, scratch: path.join(ctx.tmp, `.scratch-${laneId}`) } } });
        let failed = false;
        worker.on('message', (m: { stacks?: Record<string, StackManifest>; accounts?: number; error?: string }) => {
          if (m.error) {
            failed = true;
            reject(new Error(m.error));
          } else if (m.stacks) {
            Object.assign(stacks, m.stacks);
            onBatch(m.accounts ?? 0);
          }
        });
        worker.on('error', (err) => {
          failed = true;
          reject(err);
        });
        worker.on('exit', (code) => (failed ? undefined : code === 0 ? resolve() : reject(new Error(`synth worker exited with code ${code}`))));
      });
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, i) => lane(i)));
  return stacks;
}

/** Fragment resources above which synth does not hold them all in one cdktf App (its token map is never freed), and synthesises per shape on recycled workers instead. */
const FRAGMENT_LIMIT = 5000;

/**
 * Synthesises one stack per account into `writeTo` (`stacks/account-<id>/cdk.tf.json` and
 * `manifest.json`, as cdktf synth writes them). The caller makes that folder and swaps it into place
 * (src/artifacts/atomic-file.ts), so synth has no say over what it replaces.
 *
 * Every distinct policy and role is synthesised once with cdktf (src/synth/fragments.ts), and each
 * account's stack is composed from its fragments: byte-identical to synthesising each account on its
 * own (tested). Accounts whose text holds the reserved placeholder prefix, and libraries of more than
 * FRAGMENT_LIMIT fragment resources, are synthesised by shape instead (one cdktf synthesis per
 * distinct account, on worker threads when there is more than one batch).
 */
export async function synthesizeStacks(model: DeploymentModel, options: SynthesizeOptions): Promise<SynthesisResult> {
  const outDir = path.resolve(options.outDir);
  const tmp = path.resolve(options.writeTo);
  const states = [...model.accounts.values()];
  fs.mkdirSync(path.join(tmp, 'stacks'), { recursive: true });
  const ctx = { tmp, settings: model.settings, repoRoot: options.repoRoot, outDir };
  let done = 0;
  const progress = (accounts: number) => options.onProgress?.((done += accounts), states.length);
  const stacks: Record<string, StackManifest> = {};
  let shapes = 0;
  let fragments = 0;

  let byShape: AccountDesiredState[] = states;
  const paths = `${outDir}\u0000${path.resolve(options.repoRoot)}`;
  if (!options.perAccount && !options.byShape && !paths.includes(RESERVED_PREFIX)) {
    const plan = planFragments(states, model.settings);
    if (plan.resources <= FRAGMENT_LIMIT) {
      try {
        const lib = synthesizeFragments(plan, model.settings, path.join(tmp, '.fragments'), (placeholder) => localStatePath(ctx, placeholder));
        composeAccounts(lib, plan, (account, text) => {
          const name = stackName(account);
          fs.mkdirSync(path.join(tmp, 'stacks', name));
          fs.writeFileSync(path.join(tmp, 'stacks', name, 'cdk.tf.json'), text);
          stacks[name] = manifestEntryFor(lib, account);
        });
        fs.writeFileSync(path.join(tmp, '.cdktf-version'), lib.version);
        progress(plan.accounts.length);
        byShape = plan.aside;
        shapes = plan.shapes;
        fragments = plan.resources;
      } catch (err) {
        if (!(err instanceof FragmentMismatch)) throw err;
        // cdktf wrote something composition does not reproduce: synthesise whole stacks instead
        for (const name of Object.keys(stacks)) fs.rmSync(path.join(tmp, 'stacks', name), { recursive: true, force: true });
        for (const name of Object.keys(stacks)) delete stacks[name];
        done = 0;
      }
    }
  }

  if (byShape.length) {
    const grouped = options.perAccount ? byShape.map((s) => ({ template: s, accounts: [s.account] })) : groupByShape(byShape);
    shapes += grouped.length;
    const batchSize = options.batchSize ?? 50;
    const batches: ShapeBatch[] = [];
    for (let i = 0; i < grouped.length; i += batchSize) {
      const slice = grouped.slice(i, i + batchSize);
      // a shape of one account is synthesised under its own ID; shared shapes under a placeholder
      batches.push({ shapes: slice, placeholders: slice.map((s, k) => (s.accounts.length === 1 ? s.accounts[0] : shapeAccount(i + k))) });
    }
    const workers = options.workers ?? 2;
    if (batches.length > 1 && workers > 0) {
      Object.assign(stacks, await runOnWorkers(batches, ctx, workers, progress));
    } else {
      for (const batch of batches) {
        Object.assign(stacks, synthesizeShapeBatch(batch, { ...ctx, scratch: path.join(tmp, '.scratch') }));
        progress(batch.shapes.reduce((n, s) => n + s.accounts.length, 0));
      }
    }
  }
  // identity-center mode: the one identity-center stack, beside the account stacks
  if (model.identityCenter) stacks[IDENTITY_CENTER_STACK] = synthesizeIdentityCenterStack(model.identityCenter, { writeTo: tmp, scratch: path.join(tmp, '.scratch-identity-center'), settings: model.settings, repoRoot: options.repoRoot, outDir });
  const versionFile = path.join(tmp, '.cdktf-version');
  const version = fs.existsSync(versionFile) ? fs.readFileSync(versionFile, 'utf8') : '';
  for (const name of fs.readdirSync(tmp)) if (name.startsWith('.')) fs.rmSync(path.join(tmp, name), { recursive: true, force: true });
  fs.writeFileSync(path.join(tmp, 'manifest.json'), stableStringify({ stacks, version }));
  const totals = states.map(countResources).reduce((a, b) => ({ policies: a.policies + b.policies, roles: a.roles + b.roles, resources: a.resources + b.resources }), { policies: 0, roles: 0, resources: 0 });
  return { stacks: states.length, shapes, fragments, ...totals, outDir, ...(model.identityCenter ? { identityCenter: true } : {}) };
}
