import * as fs from 'node:fs';
import * as path from 'node:path';
import { hasErrors } from '../../core/diagnostics';
import { usageError } from '../../core/errors';
import { PlanSummary } from '../../plan/plan-summary';
import { buildPreview, confirmedDeletes } from '../../plan/preview';
import { mergePlanSummaries } from '../../plan/shards';
import { GITHUB_COMMENT_LIMIT, PREVIEW_MARKER, previewToJson, renderPreview } from '../../plan/render-preview';
import { info, oneOf, parseFlags } from '../args';
import { loadChange } from '../change-context';

export const PREVIEW_HELP = `prism preview --base REF [--head REF] [--format markdown|json] [--post] [--pr N] [--repo OWNER/NAME]
              [--discovery FILE] [--plan FILE] [--confirm-delete NAME]... [--out FILE] [--dir DIR]

The propagation preview: what a change does to every policy in every account, in the product's words.
Reads the repository at --base and at --head (default: the working tree) with git; never touches the
working tree. Merges discovery results and Terraform plans when present.

  --format FMT         markdown (default) or json ({"policies":[{"name","change","accounts","permissionSets"}],...})
  --post               create or update the one preview comment on the pull request (GITHUB_TOKEN)
  --pr N, --repo O/N   the pull request (default: from the Actions event and GITHUB_REPOSITORY)
  --discovery FILE     discovery results (default: <dir>/.prism/discovery.json if present)
  --plan FILE          plan summaries from prism plan (default: <dir>/.prism/plan.json if present);
                       repeat it to merge the files of sharded plan jobs
  --confirm-delete N   confirm deleting policy N (also: PR label prism:delete:N, or a description line
                       "Prism-Confirm-Delete: N")
  --out FILE           the full preview (default: <dir>/.prism/preview.md); also appended to $GITHUB_STEP_SUMMARY

Exit codes: 0 ok; 1 validation errors, an unconfirmed delete or a failed plan (the check fails);
2 usage; 3 GitHub or git failed.`;

interface ActionsEvent {
  pull_request?: { number: number; body?: string | null; labels?: { name: string }[] };
}

function readActionsEvent(): ActionsEvent | undefined {
  const file = process.env.GITHUB_EVENT_PATH;
  if (!file || !fs.existsSync(file)) return undefined;
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as ActionsEvent;
  } catch {
    return undefined;
  }
}

/** Reads `prism plan` output. */
export function readPlanFile(file: string): PlanSummary[] {
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8')) as { version: number; accounts: PlanSummary[] };
    if (v.version !== 1 || !Array.isArray(v.accounts)) throw new Error('expected {"version": 1, "accounts": [...]}');
    return v.accounts;
  } catch (err) {
    throw usageError(`cannot read plan summaries ${file}: ${(err as Error).message}`);
  }
}

/** `prism preview`. */
export async function previewCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, {
    dir: { type: 'string' },
    base: { type: 'string' },
    head: { type: 'string' },
    format: { type: 'string' },
    post: { type: 'boolean' },
    pr: { type: 'string' },
    repo: { type: 'string' },
    discovery: { type: 'string' },
    plan: { type: 'string', multiple: true },
    'confirm-delete': { type: 'string', multiple: true },
    out: { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(PREVIEW_HELP + '\n');
    return 0;
  }
  if (!values.base) throw usageError('prism preview needs --base REF (the commit the pull request goes into)');
  const format = oneOf('format', values.format, ['markdown', 'json'] as const, 'markdown');
  const dir = path.resolve(values.dir ?? '.');
  const ctx = await loadChange({ dir, base: values.base, head: values.head, discoveryFile: values.discovery && path.resolve(values.discovery) });

  // one plan file, or one per shard: merged losslessly
  const planFiles = values.plan?.length ? values.plan.map((p) => path.resolve(p)) : [path.join(dir, '.prism', 'plan.json')].filter((f) => fs.existsSync(f));
  for (const f of planFiles) if (!fs.existsSync(f)) throw usageError(`--plan ${f} does not exist`);
  let plan: PlanSummary[] | undefined;
  try {
    plan = planFiles.length ? mergePlanSummaries(planFiles.map(readPlanFile)) : undefined;
  } catch (err) {
    throw usageError(`cannot merge the plan files: ${(err as Error).message}`);
  }

  // the pull request: delete confirmations, and where to post
  const event = readActionsEvent();
  const number = values.pr !== undefined ? Number(values.pr) : event?.pull_request?.number;
  if (values.pr !== undefined && !(Number.isInteger(number) && number! > 0)) throw usageError(`--pr is ${values.pr}; expected a pull request number`);
  let labels = event?.pull_request?.labels?.map((l) => l.name) ?? [];
  let body = event?.pull_request?.body ?? '';
  let gh: import('../../adapters/github/client').GitHub | undefined;
  let pr: { owner: string; repo: string; number: number } | undefined;
  if (values.post) {
    if (!number) throw usageError('--post needs the pull request: --pr N, or run in a pull_request workflow');
    const { createGitHub, parseRepoSlug } = await import('../../adapters/github/client');
    gh = createGitHub({ log: info });
    pr = { ...parseRepoSlug(values.repo ?? process.env.GITHUB_REPOSITORY), number };
    if (!event?.pull_request) {
      const { readPullRequest } = await import('../../adapters/github/comment');
      ({ labels, body } = await readPullRequest(gh, pr));
    }
  }
  const confirmed = confirmedDeletes(labels, body);
  for (const n of values['confirm-delete'] ?? []) confirmed.add(n);

  // what each edit means: additive, breaking or mixed (wildcards expanded with iam-expand)
  const { classifyEdit } = await import('../../plan/classify');
  const classifications = new Map<string, import('../../plan/classify').EditClassification>();
  for (const name of ctx.library.editedPolicies) {
    classifications.set(name, await classifyEdit(ctx.base.documents.policies.get(name)?.document, ctx.head.documents.policies.get(name)?.document));
  }

  const preview = buildPreview({
    classifications,
    baseCommit: ctx.baseCommit,
    headLabel: values.head ?? 'working tree',
    base: ctx.base.documents,
    head: ctx.head.documents,
    headDiagnostics: ctx.head.diagnostics,
    library: ctx.library,
    changes: ctx.changes,
    discovery: ctx.discovery,
    plan,
    confirmedDeletes: confirmed,
    work: { accountsBuilt: ctx.affected.size, totalAccounts: ctx.totalAccounts },
  });
  const full = renderPreview(preview).markdown;

  // the full text always goes to a file the workflow can upload, and to the job summary
  const out = path.resolve(values.out ?? path.join(dir, '.prism', 'preview.md'));
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(`${out}.tmp`, full + '\n');
  fs.renameSync(`${out}.tmp`, out);
  if (process.env.GITHUB_STEP_SUMMARY) fs.appendFileSync(process.env.GITHUB_STEP_SUMMARY, full + '\n');

  if (format === 'json') process.stdout.write(JSON.stringify(previewToJson(preview), null, 2) + '\n');
  else process.stdout.write(full + '\n');

  if (gh && pr) {
    const { upsertComment } = await import('../../adapters/github/comment');
    const { markdown, trimmed } = renderPreview(preview, GITHUB_COMMENT_LIMIT - 100);
    const r = await upsertComment(gh, pr, markdown, PREVIEW_MARKER);
    info(`preview: ${r.action} comment ${r.id} on ${pr.owner}/${pr.repo}#${pr.number}${trimmed ? ' (trimmed to fit; full text in ' + path.relative(process.cwd(), out) + ')' : ''}`);
  }

  const failedPlans = (plan ?? []).filter((p) => p.status === 'failed').length;
  if (hasErrors(ctx.head.diagnostics)) info('preview: the repository has validation errors');
  for (const n of preview.unconfirmedDeletes) info(`preview: deleting ${n} is not confirmed (label prism:delete:${n}, or "Prism-Confirm-Delete: ${n}" in the description)`);
  if (failedPlans) info(`preview: terraform plan failed in ${failedPlans} account(s)`);
  return hasErrors(ctx.head.diagnostics) || preview.unconfirmedDeletes.length || failedPlans ? 1 : 0;
}
