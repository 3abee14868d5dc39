import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatDiagnosticText, hasErrors } from '../../core/diagnostics';
import { usageError } from '../../core/errors';
import { Settings } from '../../core/settings';
import { DEFAULT_DISCOVERY_FILE, readDiscoveryFile, writeDiscoveryFile } from '../../load/read-discovery';
import { buildModel } from '../../model/build-model';
import { normalizePolicyText } from '../../model/normalize';
import { materialisedPairs, parseLedger } from '../../model/rollout';
import { RepoDocuments } from '../../model/types';
import { loadAndValidate } from '../../validate/load-and-validate';
import type { DiscoverTarget } from '../../adapters/aws/discover';
import { info, oneOf, parseAccountList, parseFlags, wholeNumber } from '../args';
import { loadChange } from '../change-context';
import { Progress } from '../progress';

export const DISCOVER_HELP = `prism discover (--base REF | --all) [--accounts ID,ID] [--out FILE] [--role plan|deploy] [--concurrency N] [--strict]

Looks up, in each AWS account, what Prism is about to manage: for every CMP the account needs,
whether Prism-<name> is absent (it will be created), tagged Prism:Managed=true (Prism owns it), or
untagged (it will be adopted, and the adoption time is recorded once); whether its live default
version was edited outside Prism (drift); and, for CMPs being deleted, what else they are attached to.

  --base REF        only the accounts and CMPs that the change from REF to the working tree touches
  --all             every account and every CMP it needs
  --accounts IDS    only these accounts (comma-separated)
  --out FILE        results file, written atomically (default: <dir>/.prism/discovery.json)
  --role ROLE       plan (default, read-only) or deploy: which settings role to assume
  --concurrency N   accounts looked up at once (default 8)
  --strict          exit 1 when any account could not be looked up
  --dir DIR         repository root (default: current directory)

Credentials come from the standard AWS chain (OIDC in CI) and are never printed.
Exit codes: 0 done (failed accounts are recorded in the file), 1 with --strict and a failed account,
or the repository has errors; 2 usage.`;

/** What discovery should look up, and the documents drift is measured against. */
async function planTargets(dir: string, values: { base?: string; all?: boolean }): Promise<{ targets: DiscoverTarget[]; expected: RepoDocuments; errors: string[]; settings: Settings }> {
  if (values.base) {
    const ctx = await loadChange({ dir, base: values.base });
    const errors = ctx.head.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnosticText);
    const byAccount = new Map<string, { policies: Set<string>; deleting: Set<string> }>();
    for (const c of ctx.changes) {
      let t = byAccount.get(c.account);
      if (!t) byAccount.set(c.account, (t = { policies: new Set(), deleting: new Set() }));
      (c.kind === 'delete' ? t.deleting : t.policies).add(c.policy);
    }
    if (values.all) {
      for (const [account, state] of ctx.headModel.accounts) {
        let t = byAccount.get(account);
        if (!t) byAccount.set(account, (t = { policies: new Set(), deleting: new Set() }));
        for (const p of state.policies) t.policies.add(p.name);
      }
    }
    const targets = [...byAccount].sort().map(([account, t]) => ({ account, policies: [...t.policies].sort(), deleting: [...t.deleting].sort() }));
    // drift is measured against what was applied: the base
    return { targets, expected: ctx.base.documents, errors, settings: ctx.head.documents.settings };
  }
  const checked = loadAndValidate(dir);
  const errors = hasErrors(checked.diagnostics) ? checked.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnosticText) : [];
  const model = buildModel(checked.documents, { materialised: materialisedPairs(parseLedger(checked.ledger).rows) });
  const targets = [...model.accounts.values()].map((s) => ({ account: s.account, policies: s.policies.map((p) => p.name), deleting: [] }));
  return { targets, expected: checked.documents, errors, settings: checked.documents.settings };
}

/** `prism discover`. */
export async function discoverCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, {
    dir: { type: 'string' },
    base: { type: 'string' },
    all: { type: 'boolean' },
    accounts: { type: 'string' },
    out: { type: 'string' },
    role: { type: 'string' },
    concurrency: { type: 'string' },
    strict: { type: 'boolean' },
  });
  if (values.help) {
    process.stdout.write(DISCOVER_HELP + '\n');
    return 0;
  }
  if (!values.base && !values.all) throw usageError('prism discover needs --base REF (what the change touches) or --all (everything)');
  const dir = path.resolve(values.dir ?? '.');
  const out = path.resolve(values.out ?? path.join(dir, DEFAULT_DISCOVERY_FILE));
  const only = parseAccountList(values.accounts);
  const role = oneOf('role', values.role, ['plan', 'deploy'] as const, 'plan');
  const concurrency = wholeNumber('concurrency', values.concurrency, 8, 1, 64);

  const { targets: all, expected, errors, settings } = await planTargets(dir, values);
  if (errors.length) {
    for (const e of errors) process.stderr.write(e + '\n');
    process.stderr.write('prism discover: the repository has errors; fix them first (prism validate).\n');
    return 1;
  }
  const targets = only ? all.filter((t) => only.includes(t.account)) : all;
  const expectedDocuments = new Map([...expected.policies.values()].map((p) => [p.name, normalizePolicyText(p.document)]));
  const previous = fs.existsSync(out) ? readDiscoveryFile(out) : undefined;

  const { discoverAccounts } = await import('../../adapters/aws/discover');
  const progress = new Progress('discover');
  const results = await discoverAccounts(targets, {
    settings,
    role: role === 'plan' ? settings.planRole : settings.deployRole,
    expectedDocuments,
    previous,
    concurrency,
    onAccount: (done, total, account, r) => {
      if (r.status === 'error') info(`discover: account ${account}: ${r.error!.code}: ${r.error!.message}`);
      progress.update(done, total, 'accounts');
    },
  });
  writeDiscoveryFile(out, results);

  // summary
  const counts = { absent: 0, managed: 0, unmanaged: 0, drift: 0, foreign: 0, failed: 0 };
  for (const a of Object.values(results.accounts)) {
    if (a.status === 'error') counts.failed++;
    for (const p of Object.values(a.policies)) {
      counts[p.state]++;
      if (p.drift) counts.drift++;
      if (p.nonPrismAttachments?.length) counts.foreign++;
    }
  }
  info(
    `discovered ${targets.length} account(s): ${counts.absent} to create, ${counts.managed} managed, ${counts.unmanaged} to adopt, ${counts.drift} drifted, ${counts.foreign} with non-Prism attachments, ${counts.failed} account(s) failed -> ${path.relative(process.cwd(), out) || out}`,
  );
  return values.strict && counts.failed > 0 ? 1 : 0;
}
