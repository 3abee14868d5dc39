/**
 * The discover use case: what each AWS account really holds under the names Prism is about to
 * manage, written to the discovery results file that synth, plan and preview read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_DISCOVERY_FILE, readDiscoveryFile, writeDiscoveryFile } from '../artifacts/discovery-file';
import { buildModel } from '../model/build-model';
import { DiscoveryResults, mergeDiscovery } from '../model/discovery';
import { normalizePolicyText } from '../model/normalize';
import { materialisedPairs } from '../model/rollout';
import { RepoDocuments } from '../model/types';
import { OrganizationsSnapshot, unitsOf } from '../model/organizations';
import { Settings } from '../core/settings';
import { loadRepository } from './repository';
import type { DiscoverTarget } from '../adapters/aws/discover';
import { loadChange } from './change';
import { readLedger } from './ledger';
import { Refused, refuseOnErrors, Reporter } from './reporter';

/** Inputs of `discover`. */
export interface DiscoverInput {
  readonly dir: string;
  /** Only the accounts and CMPs the change from this ref touches. */
  readonly base?: string;
  /** Every account and every CMP it needs. */
  readonly all?: boolean;
  /** Only these accounts. */
  readonly accounts?: readonly string[];
  /** @default <dir>/.prism/discovery.json */
  readonly out?: string;
  /** Which settings role to assume. @default 'plan' */
  readonly role?: 'plan' | 'deploy';
  /** Accounts looked up at once. @default 8 */
  readonly concurrency?: number;
  readonly reporter: Reporter;
}

/** What discovery found, counted. */
export interface DiscoveryCounts {
  readonly absent: number;
  readonly managed: number;
  readonly unmanaged: number;
  readonly conflict: number;
  readonly drift: number;
  readonly foreign: number;
  readonly failed: number;
}

/** What `discover` did. */
export type DiscoverOutcome = Refused | { readonly kind: 'discovered'; readonly file: string; readonly accounts: number; readonly results: DiscoveryResults; readonly counts: DiscoveryCounts };

/** What to look up, and the documents drift is measured against (what was applied: the base). */
async function targetsFor(input: DiscoverInput): Promise<Refused | { targets: DiscoverTarget[]; expected: RepoDocuments; settings: Settings; units: string[] }> {
  if (input.base) {
    const ctx = await loadChange({ dir: input.dir, base: input.base, reporter: input.reporter });
    // a stale organizations lock is what discovery reports, not a reason to refuse
    const refused = refuseOnErrors(ctx.head.diagnostics.filter((d) => !d.code.startsWith('organizations/')), 'nothing was looked up');
    if (refused) return refused;
    const byAccount = new Map<string, { policies: Set<string>; deleting: Set<string> }>();
    const entry = (account: string) => {
      let t = byAccount.get(account);
      if (!t) byAccount.set(account, (t = { policies: new Set(), deleting: new Set() }));
      return t;
    };
    for (const c of ctx.changes) (c.kind === 'delete' ? entry(c.account).deleting : entry(c.account).policies).add(c.policy);
    if (input.all) for (const [account, state] of ctx.headModel.accounts) for (const p of state.policies) entry(account).policies.add(p.name);
    const targets = [...byAccount].sort().map(([account, t]) => ({ account, policies: [...t.policies].sort(), deleting: [...t.deleting].sort() }));
    return { targets, expected: ctx.base.documents, settings: ctx.head.documents.settings, units: [...new Set([...unitsOf(ctx.base.documents), ...unitsOf(ctx.head.documents)])].sort() };
  }
  const checked = loadRepository(input.dir);
  const refused = refuseOnErrors(checked.diagnostics.filter((d) => !d.code.startsWith('organizations/')), 'nothing was looked up');
  if (refused) return refused;
  const ledger = await readLedger(input.dir, checked.documents.settings, input.reporter);
  const model = buildModel(checked.documents, { materialised: materialisedPairs(ledger.rows) });
  const targets = [...model.accounts.values()].map((s) => ({ account: s.account, policies: s.policies.map((p) => p.name), deleting: [] }));
  return { targets, expected: checked.documents, settings: checked.documents.settings, units: unitsOf(checked.documents) };
}

/** Counts what discovery found, for the summary line. */
export function countDiscovery(results: DiscoveryResults): DiscoveryCounts {
  const counts = { absent: 0, managed: 0, unmanaged: 0, conflict: 0, drift: 0, foreign: 0, failed: 0 };
  for (const a of Object.values(results.accounts)) {
    if (a.status === 'error') counts.failed++;
    for (const p of Object.values(a.policies)) {
      counts[p.state]++;
      if (p.drift) counts.drift++;
      if (p.nonPrismAttachments?.length) counts.foreign++;
    }
  }
  return counts;
}

/** Looks into each account (assuming its plan or deploy role) and writes the results file atomically. */
export async function discover(input: DiscoverInput): Promise<DiscoverOutcome> {
  const planned = await targetsFor(input);
  if ('kind' in planned) return planned;
  const { targets: all, expected, settings, units } = planned;
  const targets = input.accounts ? all.filter((t) => input.accounts!.includes(t.account)) : all;
  const file = path.resolve(input.out ?? path.join(input.dir, DEFAULT_DISCOVERY_FILE));
  const previous = fs.existsSync(file) ? readDiscoveryFile(file) : undefined;
  const { discoverAccounts } = await import('../adapters/aws/discover');
  const results = await discoverAccounts(targets, {
    settings,
    role: input.role === 'deploy' ? settings.deployRole : settings.planRole,
    expectedDocuments: new Map([...expected.policies.values()].map((p) => [p.name, normalizePolicyText(p.document)])),
    previous,
    concurrency: input.concurrency ?? 8,
    onAccount: (done, total, account, r) => {
      if (r.status === 'error') input.reporter.info(`discover: account ${account}: ${r.error!.code}: ${r.error!.message}`);
      input.reporter.progress(done, total, 'accounts');
    },
  });
  // organizational units, as AWS Organizations lists them now (the preview compares them with the lock)
  let organizations: OrganizationsSnapshot | undefined;
  if (units.length && settings.organizations.account) {
    const { resolveOrganizationalUnits } = await import('../adapters/aws/organizations');
    try {
      organizations = await resolveOrganizationalUnits(units, { account: settings.organizations.account, role: settings.organizations.role, region: settings.region });
    } catch (err) {
      input.reporter.info(`discover: organizational units not resolved: ${(err as Error).message}`);
    }
  }
  const found = organizations ? { ...results, organizations } : results;
  // a narrower run never forgets what an earlier one recorded (adoption times above all)
  writeDiscoveryFile(file, mergeDiscovery(previous, found));
  return { kind: 'discovered', file, accounts: targets.length, results: found, counts: countDiscovery(results) };
}
