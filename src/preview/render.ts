import { Diagnostic } from '../core/diagnostics';
import { mdCode, mdCodeInline, mdFenced, mdLink, mdText } from '../core/markdown';
import { ChangeKind } from '../change/change-set';
import { policyOfAddress, policyOfResource } from '../core/naming';
import { PlanCounts, planCounts, PlanSummary } from '../model/terraform';
import { PolicyPreview, Preview, resultLabels } from './preview';
import { identityCenterLines, identityCenterSentence, organizationsLines, reprovisionCount } from './identity-center';

/** Hidden marker that identifies Prism's one comment on a pull request. */
export const PREVIEW_MARKER = '<!-- prism-propagation-preview -->';
/** GitHub's limit on a comment body. */
export const GITHUB_COMMENT_LIMIT = 65536;

/** The hidden line that carries what was reviewed: apply reads it back from Prism's own comment. */
export function reviewMarker(base: string, fingerprint: string): string {
  return `<!-- prism-review base=${base} fingerprint=${fingerprint} -->`;
}

/** Reads a review marker from a comment body (hex values only), or undefined. */
export function readReviewMarker(body: string): { base: string; fingerprint: string } | undefined {
  const m = /<!-- prism-review base=([0-9a-f]{40}) fingerprint=([0-9a-f]{64}) -->/.exec(body);
  return m ? { base: m[1], fingerprint: m[2] } : undefined;
}

const list = (names: readonly string[]) => (names.length ? names.map(mdCode).join(', ') : 'none');

/** The product's sentence for each kind of change. */
function sentence(kind: ChangeKind, k: { accounts: string[]; permissionSets: string[]; roles: number }): string {
  const n = k.accounts.length;
  switch (kind) {
    case 'edit':
      return `This will update the policy in ${n} account(s). Affected permission sets: ${list(k.permissionSets)}.`;
    case 'delete':
      return `This will detach the policy from ${k.roles} role(s) in ${n} account(s) and delete the IAM policy from each. This cannot be undone.`;
    case 'create':
      return `This will create the policy in ${n} account(s) and attach it to ${k.roles} role(s). Permission sets: ${list(k.permissionSets)}.`;
    case 'adopt':
      return `This will adopt the existing policy in ${n} account(s): import it, tag it \`Prism:Adopted\`, and replace its document with this one.`;
    case 'attach':
      return `This will attach the policy to ${k.roles} role(s) in ${n} account(s). Permission sets: ${list(k.permissionSets)}.`;
    case 'detach':
      return `This will detach the policy from ${k.roles} role(s) in ${n} account(s). The IAM policy stays in each account. Permission sets: ${list(k.permissionSets)}.`;
  }
}

const LABEL_TEXT: Record<string, string> = {
  additive: '➕ **Additive edit**: it only grants more.',
  breaking: '⚠️ **Breaking edit**: it removes actions that were granted, or adds a Deny.',
  mixed: '⚠️ **Mixed edit**: it grants some actions and removes others.',
  unchanged: 'No action is granted or removed: only resources or conditions changed.',
};

/** The edit's label and its action delta per service (wildcards expanded). */
function classificationBlock(c: import('../change/classify').EditClassification, withDelta: boolean): string[] {
  const lines = [LABEL_TEXT[c.label] + (c.denyAdded ? ' It adds a Deny.' : ''), ''];
  const services = [...new Set([...Object.keys(c.added), ...Object.keys(c.removed)])].sort();
  if (!withDelta || services.length === 0) return lines;
  lines.push('| Service | Granted now | No longer granted |', '| --- | --- | --- |');
  const few = (xs: readonly string[] = []) => (xs.length === 0 ? '' : xs.length <= 8 ? xs.map((x) => mdCode(x.split(':')[1])).join(' ') : `${xs.length} actions: ${xs.slice(0, 5).map((x) => mdCode(x.split(':')[1])).join(' ')} …`);
  for (const svc of services.slice(0, 40)) lines.push(`| ${mdCode(svc)} | ${few(c.added[svc])} | ${few(c.removed[svc])} |`);
  if (services.length > 40) lines.push(`| … | ${services.length - 40} more services | |`);
  lines.push('');
  return lines;
}

/** How much detail to render; lowered step by step until the comment fits. */
interface Detail {
  readonly accountTables: boolean;
  readonly diffs: boolean;
  /** Sections rendered in full; the rest are listed by name. */
  readonly sections: number;
}

/** Validation problems as a list, errors first, each with its place and its hint. */
function validationBlock(diagnostics: readonly Diagnostic[]): string[] {
  if (diagnostics.length === 0) return [];
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const sorted = [...errors, ...diagnostics.filter((d) => d.severity !== 'error')];
  const lines = [`### Validation: ${errors.length} error(s), ${diagnostics.length - errors.length} warning(s)`, ''];
  for (const d of sorted.slice(0, 50)) {
    // a list, not a table: code spans keep a pipe as it is
    const where = d.location ? `${mdCodeInline(`${d.location.file}:${d.location.line}:${d.location.column}`)} ` : '';
    lines.push(`- ${d.severity === 'error' ? '❌' : '⚠️'} ${where}${mdCodeInline(d.code)}: ${mdText(d.message)}`);
    if (d.hint) lines.push(`  - hint: ${mdText(d.hint)}`);
  }
  if (diagnostics.length > 50) lines.push('', `…and ${diagnostics.length - 50} more: run \`prism validate\`.`);
  lines.push('');
  return lines;
}

/** Terraform's own words: "1 to add, 2 to change, 0 to destroy" (and imports when there are any). */
export function planCountsText(c: PlanCounts): string {
  return `${c.add} to add, ${c.change} to change, ${c.destroy} to destroy${c.import ? `, ${c.import} to import` : ''}`;
}

/** Terraform's counts of one policy's resources (its policy and its attachments) in one account's plan. */
function policyCounts(plan: PlanSummary, policy: string): PlanCounts {
  return planCounts(plan.changes.filter((c) => policyOfResource(c.address) === policy));
}

function sumCounts(all: readonly PlanCounts[]): PlanCounts {
  return all.reduce((t, c) => ({ add: t.add + c.add, change: t.change + c.change, destroy: t.destroy + c.destroy, import: t.import + c.import }), { add: 0, change: 0, destroy: 0, import: 0 });
}

function planNotes(p: PolicyPreview, preview: Preview): string[] {
  const notes: string[] = [];
  for (const plan of preview.plan ?? []) {
    for (const c of plan.changes) {
      const policy = policyOfAddress(c.address);
      const isRole = c.type === 'aws_iam_role';
      if (c.replace && (policy === p.name || (isRole && p.rows.some((r) => r.account === plan.account && r.permissionSets.some((s) => c.address.endsWith(`role_${s}`)))))) {
        notes.push(`🚨 **Terraform would REPLACE ${mdCode(c.address)} in account ${plan.account}** (${mdText(c.actionReason ?? 'destroy and create')}). Prism never intends this: do not merge until it is understood.`);
      }
      if (policy === p.name && c.importing !== undefined) notes.push(`Terraform will import ${mdCode(c.address)} in account ${plan.account} (adopt).`);
    }
    for (const d of plan.drift) {
      if (policyOfAddress(d.address) === p.name) notes.push(`⚠️ Terraform found ${mdCode(d.address)} in account ${plan.account} changed outside Prism (drift); this change overwrites it.`);
    }
  }
  return notes;
}

function section(p: PolicyPreview, preview: Preview, detail: Detail, full: boolean): string[] {
  const title = p.libraryOnly ? 'library only' : p.kinds.join(', ');
  const lines = [`### ${mdCode(p.name)}: ${title}`, ''];
  if (p.description) lines.push(`_${mdText(p.description)}_`, '');
  if (p.libraryOnly) {
    lines.push('Nothing will propagate: no permission set assigned to an account uses this policy, so the change only updates the library copy.', '');
  }
  for (const kind of p.kinds) {
    lines.push(preview.identityCenter ? identityCenterSentence(kind, p.byKind[kind]!, reprovisionCount(kind, p.rows), list) : sentence(kind, p.byKind[kind]!), '');
    if (kind === 'edit' && p.classification) lines.push(...classificationBlock(p.classification, full && detail.diffs));
  }
  if (p.libraryOnly && p.classification) lines.push(...classificationBlock(p.classification, full && detail.diffs));
  if (p.deleteConfirmed === false) {
    lines.push(
      `⛔ **Deletion not confirmed.** The check fails until this pull request confirms deleting exactly this policy: add the label ${mdCode(`prism:delete:${p.name}`)}, or a line ${mdCode(`Prism-Confirm-Delete: ${p.name}`)} to the description.`,
      '',
    );
  } else if (p.deleteConfirmed) lines.push(`✅ Deletion of ${mdCode(p.name)} confirmed by the pull request.`, '');
  for (const w of p.warnings) lines.push(`> ⚠️ ${mdText(w)}`, '');
  const plans = new Map((preview.plan ?? []).map((x) => [x.account, x]));
  const accounts = [...new Set(p.rows.map((r) => r.account))];
  const planned = accounts.filter((a) => plans.get(a)?.status === 'planned');
  if (preview.plan && planned.length) lines.push(`Terraform plan: ${planCountsText(sumCounts(planned.map((a) => policyCounts(plans.get(a)!, p.name))))} in ${planned.length} account(s).`, '');
  for (const n of planNotes(p, preview)) lines.push(n, '');
  if (!full) return lines;
  if (detail.diffs && p.diff) lines.push('<details><summary>Policy document diff</summary>', '', mdFenced('diff', p.diff), '', '</details>', '');
  if (detail.accountTables && p.rows.length) {
    const terraform = (account: string) => {
      const plan = plans.get(account);
      return !plan ? 'not planned' : plan.status === 'failed' ? '❌ plan failed' : planCountsText(policyCounts(plan, p.name));
    };
    const withPlan = Boolean(preview.plan);
    lines.push(`<details><summary>${accounts.length} account(s)</summary>`, '', `| Account | Change | Permission sets |${withPlan ? ' Terraform |' : ''}`, `| --- | --- | --- |${withPlan ? ' --- |' : ''}`);
    for (const r of p.rows) lines.push(`| ${r.account} | ${r.kind} | ${list(r.permissionSets)} |${withPlan ? ` ${terraform(r.account)} |` : ''}`);
    lines.push('', '</details>', '');
  }
  return lines;
}

/** The one-line summary that always leads the comment. */
export function summaryLine(preview: Preview): string {
  const counts = new Map<string, number>();
  for (const p of preview.policies) for (const k of p.libraryOnly ? ['library only'] : p.kinds) counts.set(k, (counts.get(k) ?? 0) + 1);
  if (preview.policies.length === 0) return 'This change does not affect any customer managed policy.';
  const parts = [...counts].map(([k, n]) => `${n} ${k}`).join(' · ');
  return `This change affects ${preview.policies.length} polic${preview.policies.length === 1 ? 'y' : 'ies'} in ${preview.accounts} account(s): ${parts}.`;
}

/** The header line: head and base commits, when, the workflow run, and the fingerprint apply checks. */
function headerLine(preview: Preview): string {
  const h = preview.header;
  const commit = (sha: string) => mdLink(sha.slice(0, 7), h.repoUrl && `${h.repoUrl}/commit/${sha}`, { code: true });
  const head = h.headCommit ? `Head ${commit(h.headCommit)}` : `Head: ${mdText(preview.headLabel)}${preview.headLabel === 'working tree' ? ' (uncommitted changes)' : ''}`;
  const parts = [head, `base ${commit(preview.baseCommit)}`];
  if (h.updatedAt) parts.push(`updated ${mdText(h.updatedAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, ' UTC'))}`);
  if (h.runUrl) parts.push(mdLink('workflow run', h.runUrl));
  if (preview.fingerprint) parts.push(`fingerprint ${mdCode(preview.fingerprint.slice(0, 12))}`);
  return parts.join(' · ');
}

/** What the rendering says when it was cut, and where the full text is. */
export interface TrimNote {
  /** Where the full preview is, e.g. "the job summary and the `prism-preview` artifact". */
  readonly fullAt: string;
  /** The limit, in words, e.g. "GitHub's 65,536-character comment limit". */
  readonly limit: string;
}

const COMMENT_NOTE: TrimNote = { fullAt: 'the job summary and in the `prism-preview` artifact', limit: "GitHub's 65,536-character comment limit" };

function render(preview: Preview, detail: Detail, trimmed: TrimNote | undefined): string {
  const lines = [PREVIEW_MARKER, ...(preview.fingerprint ? [reviewMarker(preview.baseCommit, preview.fingerprint)] : []), '## Prism propagation preview', '', headerLine(preview), ''];
  if (!preview.valid) {
    const errors = preview.validation.filter((d) => d.severity === 'error').length;
    lines.push(`❌ **${errors} error(s): cannot merge.** Fix them and push again; each one is below with its file, line and hint, and as an annotation on the diff.`, '');
    if (trimmed) lines.push(`> ℹ️ Details were trimmed to fit ${trimmed.limit}. The full preview is in ${trimmed.fullAt}.`, '');
    lines.push(...validationBlock(preview.validation));
    lines.push('_What this change does to each policy is shown once the head validates: it would be computed from files that do not._', '');
    return lines.join('\n');
  }
  lines.push(`**${summaryLine(preview)}**`, '');
  lines.push(`Desired state built for ${preview.work.accountsBuilt} of ${preview.work.totalAccounts} account(s).`, '');
  if (preview.plan) {
    const planned = preview.plan.filter((p) => p.status === 'planned');
    lines.push(`Terraform plan: ${planCountsText(sumCounts(planned.map((p) => planCounts(p.changes))))} in ${planned.length} account(s)${planned.length < preview.plan.length ? `; ${preview.plan.length - planned.length} failed` : ''}.`, '');
  }
  const labels = resultLabels(preview);
  if (labels.length) lines.push(`Labels: ${labels.map(mdCode).join(' ')}`, '');
  if (preview.unconfirmedDeletes.length) lines.push(`⛔ **Unconfirmed deletes:** ${list(preview.unconfirmedDeletes)}. See each section for how to confirm.`, '');
  if (preview.conflicts.length) lines.push(`⛔ **Name conflicts:** ${preview.conflicts.map((c) => `${mdCode(`Prism-${c.policy}`)} exists at path ${mdCode(c.path)} in account ${c.account}`).join('; ')}. IAM names are unique in an account whatever the path: the create would fail there.`, '');
  if (preview.unplannedAccounts.length) {
    const shown = preview.unplannedAccounts.slice(0, 20).join(', ');
    lines.push(`⛔ **No Terraform plan for ${preview.unplannedAccounts.length} account(s) this change affects:** ${shown}${preview.unplannedAccounts.length > 20 ? ', …' : ''}. A plan job did not finish; run the workflow again.`, '');
  }
  const failedPlans = (preview.plan ?? []).filter((p) => p.status === 'failed');
  if (failedPlans.length) {
    lines.push(`### Terraform plan failed in ${failedPlans.length} account(s)`, '');
    for (const f of failedPlans.slice(0, 20)) {
      const errs = f.diagnostics.filter((d) => d.severity === 'error').map((d) => mdText(d.summary + (d.detail ? `: ${d.detail}` : '')));
      lines.push(`- ${f.account}: ${errs.join('; ') || 'no diagnostic'}`);
    }
    lines.push('');
  }
  if (trimmed) lines.push(`> ℹ️ Details were trimmed to fit ${trimmed.limit}. The full preview is in ${trimmed.fullAt}.`, '');
  lines.push(...validationBlock(preview.validation));
  if (preview.identityCenter) lines.push(...identityCenterLines(preview.identityCenter, mdCode));
  if (preview.organizations) lines.push(...organizationsLines(preview.organizations, mdCode));
  const order = (p: PolicyPreview) => (p.libraryOnly ? 99 : Math.min(...p.kinds.map((k) => ['delete', 'edit', 'create', 'adopt', 'attach', 'detach'].indexOf(k))));
  const sorted = [...preview.policies].sort((a, b) => order(a) - order(b) || (a.name < b.name ? -1 : 1));
  sorted.forEach((p, i) => lines.push(...section(p, preview, detail, i < detail.sections)));
  if (sorted.length > detail.sections) lines.push(`…and the details of ${sorted.length - detail.sections} more polic${sorted.length - detail.sections === 1 ? 'y' : 'ies'} are in the full preview.`, '');
  return lines.join('\n');
}

/** Options of `renderPreview`. */
export interface RenderOptions {
  /** Most characters (or bytes, with `bytes`). @default Infinity */
  readonly limit?: number;
  /** Measure the limit in UTF-8 bytes (a job summary) rather than characters (a comment). @default false */
  readonly bytes?: boolean;
  /** What the note says when details were dropped. @default the comment's */
  readonly note?: TrimNote;
}

/**
 * Renders the preview as markdown that fits the limit: the summary and every policy's sentences
 * always stay; account tables, then diffs, then whole sections are dropped until it fits, with a
 * note saying so and where the full text is.
 */
export function renderPreview(preview: Preview, options: RenderOptions | number = {}): { markdown: string; trimmed: boolean } {
  const o = typeof options === 'number' ? { limit: options } : options;
  const limit = o.limit ?? Infinity;
  const size = (text: string) => (o.bytes ? Buffer.byteLength(text) : text.length);
  const note = o.note ?? COMMENT_NOTE;
  const all = preview.policies.length;
  const full = render(preview, { accountTables: true, diffs: true, sections: all }, undefined);
  if (size(full) <= limit) return { markdown: full, trimmed: false };
  const attempts: Detail[] = [
    { accountTables: false, diffs: true, sections: all },
    { accountTables: false, diffs: false, sections: all },
  ];
  for (let s = Math.min(all, 100); s >= 0; s = s > 10 ? Math.floor(s / 2) : s - 1) attempts.push({ accountTables: false, diffs: false, sections: s });
  for (const d of attempts) {
    const md = render(preview, d, note);
    if (size(md) <= limit) return { markdown: md, trimmed: true };
  }
  // only sentences left: cut hard, keeping the summary at the top
  const md = render(preview, { accountTables: false, diffs: false, sections: 0 }, note);
  let cut = md.slice(0, Math.max(0, limit - 40));
  while (size(cut) > limit - 40) cut = cut.slice(0, cut.length - Math.max(1, Math.ceil((size(cut) - limit + 40) / 4)));
  return { markdown: cut + '\n\n…(cut to fit)', trimmed: true };
}

/** The summary as counts, for programs: policies and accounts, each kind of change, problems, Terraform's totals. */
export function summaryCounts(preview: Preview): Record<string, unknown> {
  const changes: Record<string, number> = {};
  for (const p of preview.policies) for (const k of p.libraryOnly ? ['library-only'] : p.kinds) changes[k] = (changes[k] ?? 0) + 1;
  const planned = (preview.plan ?? []).filter((p) => p.status === 'planned');
  return {
    policies: preview.valid ? preview.policies.length : 0,
    accounts: preview.valid ? preview.accounts : 0,
    changes: preview.valid ? changes : {},
    errors: preview.validation.filter((d) => d.severity === 'error').length,
    warnings: preview.validation.filter((d) => d.severity === 'warning').length,
    unconfirmedDeletes: preview.unconfirmedDeletes.length,
    conflicts: preview.conflicts.length,
    ...(preview.plan ? { terraform: { accounts: preview.plan.length, failed: preview.plan.length - planned.length, unplanned: preview.unplannedAccounts.length, ...sumCounts(planned.map((p) => planCounts(p.changes))) } } : {}),
  };
}

/**
 * The `--format json` shape: one entry per policy and change kind, the summary as counts (with the
 * sentence beside it), and what apply checks (`review`). With a head that does not validate, no
 * policy is listed: what the change does is computed once it does.
 */
export function previewToJson(preview: Preview): Record<string, unknown> {
  const plans = new Map((preview.plan ?? []).map((x) => [x.account, x]));
  const terraform = (p: PolicyPreview, accounts: readonly string[]) => {
    if (!preview.plan) return {};
    const planned = accounts.filter((a) => plans.get(a)?.status === 'planned');
    return { terraform: sumCounts(planned.map((a) => policyCounts(plans.get(a)!, p.name))) };
  };
  return {
    base: preview.baseCommit,
    head: preview.headLabel,
    ...(preview.header.headCommit ? { headCommit: preview.header.headCommit } : {}),
    valid: preview.valid,
    summary: summaryCounts(preview),
    summaryText: preview.valid ? summaryLine(preview) : `${preview.validation.filter((d) => d.severity === 'error').length} error(s): cannot merge`,
    accounts: preview.valid ? preview.accounts : 0,
    work: preview.work,
    review: { base: preview.baseCommit, fingerprint: preview.fingerprint },
    labels: resultLabels(preview),
    policies: !preview.valid
      ? []
      : preview.policies.flatMap((p): Record<string, unknown>[] =>
          p.libraryOnly
            ? [{ name: p.name, change: 'library-only', accounts: [], permissionSets: [], description: p.description ?? null }]
            : p.kinds.map((k) => ({
                name: p.name,
                change: k,
                accounts: p.byKind[k]!.accounts,
                permissionSets: p.byKind[k]!.permissionSets,
                roles: p.byKind[k]!.roles,
                description: p.description ?? null,
                ...terraform(p, p.byKind[k]!.accounts),
                ...(k === 'delete' ? { confirmed: p.deleteConfirmed ?? false } : {}),
                ...(k === 'edit' && p.classification ? { classification: p.classification.label, added: p.classification.added, removed: p.classification.removed } : {}),
                ...(preview.identityCenter ? { reprovisionedAccounts: reprovisionCount(k, p.rows) } : {}),
                ...(p.warnings.length ? { warnings: p.warnings } : {}),
              })),
        ),
    diffs: preview.valid ? Object.fromEntries(preview.policies.filter((p) => p.diff).map((p) => [p.name, p.diff])) : {},
    validation: preview.validation.map((d) => ({ severity: d.severity, code: d.code, message: d.message, file: d.location?.file ?? null, line: d.location?.line ?? null, column: d.location?.column ?? null, ...(d.hint ? { hint: d.hint } : {}) })),
    unconfirmedDeletes: preview.unconfirmedDeletes,
    conflicts: preview.conflicts,
    unplannedAccounts: preview.unplannedAccounts,
    ...(preview.plan ? { plan: preview.plan } : {}),
    ...(preview.identityCenter ? { identityCenter: preview.identityCenter } : {}),
    ...(preview.organizations ? { organizations: preview.organizations } : {}),
  };
}
