/**
 * The example use case: the pipeline's main job on the bundled example organisation, offline, on
 * embedded defaults, in a temporary copy (a fresh git repository), so the checkout is never touched.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { simpleGit } from 'simple-git';
import { Diagnostic, hasErrors } from '../core/diagnostics';
import { LAYOUT } from '../load/layout';
import { ORGANIZATIONS_LOCK_FILE } from '../model/organizations';
import { preview, PreviewOutcome } from './preview';
import { Reporter } from './reporter';
import { synth, SynthOutcome } from './synth';
import { validate } from './validate';

/** The bundled example: the repository's own user files (src/ and dist/ are both two levels down). */
const EXAMPLE_ROOT = path.join(__dirname, '..', '..');
const EXAMPLE_ITEMS = [LAYOUT.policies, LAYOUT.permissionSets, LAYOUT.assignments, LAYOUT.settings];

/**
 * The identity-center variant: the same policies and permission sets, with its own settings
 * (mode: identity-center), assignments (principals, organizational units) and organizations lock.
 */
export const IDENTITY_CENTER_EXAMPLE = path.join(EXAMPLE_ROOT, 'examples', 'identity-center');

/** Which example: the roles-mode organisation at the root, or its identity-center variant. */
export type ExampleVariant = 'roles' | 'identity-center';

/** Copies an example variant into `work`. */
export function copyExample(work: string, variant: ExampleVariant = 'roles'): void {
  if (variant === 'roles') {
    for (const item of EXAMPLE_ITEMS) fs.cpSync(path.join(EXAMPLE_ROOT, item), path.join(work, item), { recursive: true });
    return;
  }
  for (const item of [LAYOUT.policies, LAYOUT.permissionSets]) fs.cpSync(path.join(EXAMPLE_ROOT, item), path.join(work, item), { recursive: true });
  for (const item of [LAYOUT.assignments, LAYOUT.settings, ORGANIZATIONS_LOCK_FILE]) fs.cpSync(path.join(IDENTITY_CENTER_EXAMPLE, item), path.join(work, item), { recursive: true });
}

/** A throwaway identity for the example's commits (never your git config). */
const IDENTITY = ['user.name=Prism example', 'user.email=example@prism.invalid'];

/**
 * The example change, as an engineer would make it in a pull request: DataLakeRead gains a read
 * action (an edit that propagates to every account that has it), and the Developer permission set
 * gains ReadOnlyBilling (an attach).
 */
export function applyExampleChange(work: string): void {
  const policyFile = path.join(work, LAYOUT.policies, 'DataLakeRead.json');
  const policy = JSON.parse(fs.readFileSync(policyFile, 'utf8'));
  policy.Statement[1].Action.push('s3:GetObjectTagging');
  fs.writeFileSync(policyFile, JSON.stringify(policy, null, 2) + '\n');
  const psFile = path.join(work, LAYOUT.permissionSets, 'Developer.yaml');
  fs.writeFileSync(psFile, fs.readFileSync(psFile, 'utf8').replace('  - DenyOutsideEU\n', '  - DenyOutsideEU\n  - ReadOnlyBilling\n'));
}

/** What each step of the example produced. */
export interface ExampleOutcome {
  readonly work: string;
  readonly kept: boolean;
  readonly validation: readonly Diagnostic[];
  readonly filesChecked: number;
  readonly synth?: SynthOutcome;
  readonly stacks?: readonly string[];
  readonly preview?: PreviewOutcome;
}

/** Runs validate, synth, and the preview of the example change on a temporary copy of the example. */
export async function example(input: { readonly keep?: boolean; readonly variant?: ExampleVariant; readonly reporter: Reporter }): Promise<ExampleOutcome> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-example-'));
  const kept = Boolean(input.keep);
  try {
    copyExample(work, input.variant);
    const { diagnostics, filesChecked } = validate({ dir: work });
    if (hasErrors(diagnostics)) return { work, kept, validation: diagnostics, filesChecked };
    const synthesised = await synth({ dir: work, reporter: input.reporter });
    if (synthesised.kind === 'refused') return { work, kept, validation: diagnostics, filesChecked, synth: synthesised };
    const stacks = fs.readdirSync(path.join(work, 'cdktf.out', 'stacks')).sort();
    const git = simpleGit({ baseDir: work, config: IDENTITY });
    await git.init();
    await git.add('.');
    await git.commit('The example organisation', undefined, { '--no-gpg-sign': null });
    applyExampleChange(work);
    const previewed = await preview({ dir: work, base: 'HEAD', reporter: input.reporter });
    return { work, kept, validation: diagnostics, filesChecked, synth: synthesised, stacks, preview: previewed };
  } finally {
    if (!kept) fs.rmSync(work, { recursive: true, force: true });
  }
}
