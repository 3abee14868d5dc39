/** The synth use case: validate, build the desired state, and write one stack per account. */
import * as path from 'node:path';
import { replaceOutputFolder } from '../artifacts/atomic-file';
import { loadDiscoveryResults } from '../artifacts/discovery-file';
import { LEDGER_DIR } from '../artifacts/ledger';
import { LAYOUT } from '../load/layout';
import { buildModel } from '../model/build-model';
import { DeploymentModel } from '../model/desired-state';
import { materialisedPairs } from '../model/rollout';
import type { SynthesisResult, SynthesizeOptions } from '../synth/synthesize';
import { readLedger } from './ledger';
import { loadRepository } from './repository';
import { Refused, refuseOnErrors, Reporter } from './reporter';

/** Folders of a repository that no output folder may be, or contain. */
export function protectedFolders(repoRoot: string): string[] {
  return [repoRoot, '.git', LAYOUT.policies, LAYOUT.permissionSets, LAYOUT.assignments, LEDGER_DIR, '.github', 'src', 'test', 'node_modules'].map((p) => path.resolve(repoRoot, p));
}

/**
 * Synthesises `model` into `outDir`: written to a temporary sibling and swapped into place, only
 * over a folder that is absent, empty or Prism's own (never the repository or a user folder).
 */
export async function synthesizeToFolder(
  model: DeploymentModel,
  o: { outDir: string; repoRoot: string; flag?: string; reporter?: Reporter; tuning?: Pick<SynthesizeOptions, 'batchSize' | 'workers' | 'perAccount'> },
): Promise<SynthesisResult> {
  const { synthesizeStacks } = await import('../synth/synthesize');
  return replaceOutputFolder(o.outDir, { flag: o.flag ?? '--out', kind: 'synth', protectedDirs: protectedFolders(o.repoRoot) }, (tmp) =>
    synthesizeStacks(model, { ...o.tuning, writeTo: tmp, outDir: o.outDir, repoRoot: o.repoRoot, onProgress: (d, t) => o.reporter?.progress(d, t, 'accounts') }),
  );
}

/** Inputs of `synth`. */
export interface SynthInput {
  readonly dir: string;
  /** @default $CDKTF_OUTDIR, else <dir>/cdktf.out */
  readonly outDir?: string;
  /** Only these accounts. @default every account */
  readonly accounts?: readonly string[];
  /** Discovery results. @default <dir>/.prism/discovery.json when present */
  readonly discoveryFile?: string;
  readonly reporter: Reporter;
}

/** What `synth` did. */
export type SynthOutcome = Refused | { readonly kind: 'synthesised'; readonly result: SynthesisResult };

/** Validates first (nothing is written for a repository with errors), then writes the stacks. */
export async function synth(input: SynthInput): Promise<SynthOutcome> {
  const { dir, reporter } = input;
  const checked = loadRepository(dir);
  const refused = refuseOnErrors(checked.diagnostics, 'nothing was written');
  if (refused) return refused;
  const discovery = loadDiscoveryResults(dir, input.discoveryFile);
  const ledger = await readLedger(dir, checked.documents.settings, reporter);
  const model = buildModel(checked.documents, { materialised: materialisedPairs(ledger.rows), discovery, accounts: input.accounts ? new Set(input.accounts) : undefined });
  for (const a of input.accounts ?? []) if (!model.accounts.has(a)) reporter.info(`synth: warning: account ${a} has nothing Prism manages; no stack written`);
  const outDir = path.resolve(input.outDir ?? path.join(dir, 'cdktf.out'));
  return { kind: 'synthesised', result: await synthesizeToFolder(model, { outDir, repoRoot: dir, reporter }) };
}
