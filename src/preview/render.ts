import { Diagnostic } from '../core/diagnostics';
import { ChangeKind } from '../change/change-set';
import { policyOfAddress } from '../core/naming';
import { PolicyPreview, Preview } from './preview';
import { identityCenterLines, identityCenterSentence, organizationsLines, reprovisionCount } from './identity-center';

/** Hidden marker that identifies Prism's one comment on a pull request. */
export const PREVIEW_MARKER = '<!-- prism-propagation-preview -->';
/** GitHub's limit on a comment body. */
export const GITHUB_COMMENT_LIMIT = 65536;

/**
 * Escapes free text for GitHub markdown: no HTML, no links or images, no emphasis or code, no table
 * breaks, no @mentions, one line. Text is always embedded after a prefix, so line-start syntax
 * (lists, headings) cannot form once newlines are gone.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_{}[\]#|~])/g, '\\$1')
    .replace(/@/g, '@\u200b')
    .replace(/\r?\n/g, ' ');
}

/** A name as inline code; names are validated, but the fence still adapts to any backticks. */
export function code(name: string): string {
  const longest = Math.max(0, ...(name.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${longest ? ' ' : ''}${name.replace(/\r?\n/g, ' ')}${longest ? ' ' : ''}${fence}`;
}

function fenced(lang: string, text: string): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${text}\n${fence}`;
}

const list = (names: readonly string[]) => (names.length ? names.map(code).join(', ') : 'none');

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
  const few = (xs: readonly string[] = []) => (xs.length === 0 ? '' : xs.length <= 8 ? xs.map((x) => code(x.split(':')[1])).join(' ') : `${xs.length} actions: ${xs.slice(0, 5).map((x) => code(x.split(':')[1])).join(' ')} …`);
  for (const svc of services.slice(0, 40)) lines.push(`| ${code(svc)} | ${few(c.added[svc])} | ${few(c.removed[svc])} |`);
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

function validationBlock(diagnostics: readonly Diagnostic[]): string[] {
  if (diagnostics.length === 0) return [];
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const lines = [`### Validation: ${errors} error(s), ${diagnostics.length - errors} warning(s)`, '', '| | Where | Code | Problem |', '| --- | --- | --- | --- |'];
  for (const d of diagnostics.slice(0, 50)) {
    const where = d.location ? `${code(`${d.location.file}:${d.location.line}:${d.location.column}`)}` : '';
    lines.push(`| ${d.severity === 'error' ? '❌' : '⚠️'} | ${where} | ${code(d.code)} | ${escapeMarkdown(d.message)} |`);
  }
  if (diagnostics.length > 50) lines.push('', `…and ${diagnostics.length - 50} more: run \`prism validate\`.`);
  lines.push('');
  return lines;
}

function planNotes(p: PolicyPreview, preview: Preview): string[] {
  const notes: string[] = [];
  for (const plan of preview.plan ?? []) {
    for (const c of plan.changes) {
      const policy = policyOfAddress(c.address);
      const isRole = c.type === 'aws_iam_role';
      if (c.replace && (policy === p.name || (isRole && p.rows.some((r) => r.account === plan.account && r.permissionSets.some((s) => c.address.endsWith(`role_${s}`)))))) {
        notes.push(`🚨 **Terraform would REPLACE ${code(c.address)} in account ${plan.account}** (${escapeMarkdown(c.actionReason ?? 'destroy and create')}). Prism never intends this: do not merge until it is understood.`);
      }
      if (policy === p.name && c.importing !== undefined) notes.push(`Terraform will import ${code(c.address)} in account ${plan.account} (adopt).`);
    }
    for (const d of plan.drift) {
      if (policyOfAddress(d.address) === p.name) notes.push(`⚠️ Terraform found ${code(d.address)} in account ${plan.account} changed outside Prism (drift); this change overwrites it.`);
    }
  }
  return notes;
}

function section(p: PolicyPreview, preview: Preview, detail: Detail, full: boolean): string[] {
  const title = p.libraryOnly ? 'library only' : p.kinds.join(', ');
  const lines = [`### ${code(p.name)}: ${title}`, ''];
  if (p.description) lines.push(`_${escapeMarkdown(p.description)}_`, '');
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
      `⛔ **Deletion not confirmed.** The check fails until this pull request confirms deleting exactly this policy: add the label ${code(`prism:delete:${p.name}`)}, or a line ${code(`Prism-Confirm-Delete: ${p.name}`)} to the description.`,
      '',
    );
  } else if (p.deleteConfirmed) lines.push(`✅ Deletion of ${code(p.name)} confirmed by the pull request.`, '');
  for (const w of p.warnings) lines.push(`> ⚠️ ${escapeMarkdown(w)}`, '');
  for (const n of planNotes(p, preview)) lines.push(n, '');
  if (!full) return lines;
  if (detail.diffs && p.diff) lines.push('<details><summary>Policy document diff</summary>', '', fenced('diff', p.diff), '', '</details>', '');
  if (detail.accountTables && p.rows.length) {
    lines.push(`<details><summary>${new Set(p.rows.map((r) => r.account)).size} account(s)</summary>`, '', '| Account | Change | Permission sets |', '| --- | --- | --- |');
    for (const r of p.rows) lines.push(`| ${r.account} | ${r.kind} | ${list(r.permissionSets)} |`);
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

function render(preview: Preview, detail: Detail, trimmed: boolean): string {
  const lines = [PREVIEW_MARKER, '## Prism propagation preview', '', `**${summaryLine(preview)}**`, ''];
  lines.push(`Base ${code(preview.baseCommit.slice(0, 12))}, head ${escapeMarkdown(preview.headLabel)}. Desired state built for ${preview.work.accountsBuilt} of ${preview.work.totalAccounts} account(s).`, '');
  if (preview.unconfirmedDeletes.length) lines.push(`⛔ **Unconfirmed deletes:** ${list(preview.unconfirmedDeletes)}. See each section for how to confirm.`, '');
  const failedPlans = (preview.plan ?? []).filter((p) => p.status === 'failed');
  if (failedPlans.length) {
    lines.push(`### Terraform plan failed in ${failedPlans.length} account(s)`, '');
    for (const f of failedPlans.slice(0, 20)) {
      const errs = f.diagnostics.filter((d) => d.severity === 'error').map((d) => escapeMarkdown(d.summary + (d.detail ? `: ${d.detail}` : '')));
      lines.push(`- ${f.account}: ${errs.join('; ') || 'no diagnostic'}`);
    }
    lines.push('');
  }
  if (trimmed) lines.push('> ℹ️ Details were trimmed to fit GitHub\'s 65,536-character comment limit. The full preview is in the job summary and in the `prism-preview` artifact.', '');
  lines.push(...validationBlock(preview.validation));
  if (preview.identityCenter) lines.push(...identityCenterLines(preview.identityCenter, code));
  if (preview.organizations) lines.push(...organizationsLines(preview.organizations, code));
  const order = (p: PolicyPreview) => (p.libraryOnly ? 99 : Math.min(...p.kinds.map((k) => ['delete', 'edit', 'create', 'adopt', 'attach', 'detach'].indexOf(k))));
  const sorted = [...preview.policies].sort((a, b) => order(a) - order(b) || (a.name < b.name ? -1 : 1));
  sorted.forEach((p, i) => lines.push(...section(p, preview, detail, i < detail.sections)));
  if (sorted.length > detail.sections) lines.push(`…and the details of ${sorted.length - detail.sections} more polic${sorted.length - detail.sections === 1 ? 'y' : 'ies'} are in the full preview.`, '');
  return lines.join('\n');
}

/**
 * Renders the preview as markdown that fits `limit` characters: the summary and every policy's
 * sentences always stay; account tables, then diffs, then whole sections are dropped until it fits,
 * with a note saying so.
 */
export function renderPreview(preview: Preview, limit = Infinity): { markdown: string; trimmed: boolean } {
  const all = preview.policies.length;
  const full = render(preview, { accountTables: true, diffs: true, sections: all }, false);
  if (full.length <= limit) return { markdown: full, trimmed: false };
  const attempts: Detail[] = [
    { accountTables: false, diffs: true, sections: all },
    { accountTables: false, diffs: false, sections: all },
  ];
  for (let s = Math.min(all, 100); s >= 0; s = s > 10 ? Math.floor(s / 2) : s - 1) attempts.push({ accountTables: false, diffs: false, sections: s });
  for (const d of attempts) {
    const md = render(preview, d, true);
    if (md.length <= limit) return { markdown: md, trimmed: true };
  }
  // only sentences left: cut hard, keeping the summary at the top
  const md = render(preview, { accountTables: false, diffs: false, sections: 0 }, true);
  return { markdown: md.slice(0, limit - 40) + '\n\n…(cut to fit)', trimmed: true };
}

/** The `--format json` shape: one entry per policy and change kind. */
export function previewToJson(preview: Preview): Record<string, unknown> {
  return {
    base: preview.baseCommit,
    head: preview.headLabel,
    summary: summaryLine(preview),
    accounts: preview.accounts,
    work: preview.work,
    policies: preview.policies.flatMap((p): Record<string, unknown>[] =>
      p.libraryOnly
        ? [{ name: p.name, change: 'library-only', accounts: [], permissionSets: [], description: p.description ?? null }]
        : p.kinds.map((k) => ({
            name: p.name,
            change: k,
            accounts: p.byKind[k]!.accounts,
            permissionSets: p.byKind[k]!.permissionSets,
            roles: p.byKind[k]!.roles,
            description: p.description ?? null,
            ...(k === 'delete' ? { confirmed: p.deleteConfirmed ?? false } : {}),
            ...(k === 'edit' && p.classification ? { classification: p.classification.label, added: p.classification.added, removed: p.classification.removed } : {}),
            ...(preview.identityCenter ? { reprovisionedAccounts: reprovisionCount(k, p.rows) } : {}),
            ...(p.warnings.length ? { warnings: p.warnings } : {}),
          })),
    ),
    diffs: Object.fromEntries(preview.policies.filter((p) => p.diff).map((p) => [p.name, p.diff])),
    validation: preview.validation.map((d) => ({ severity: d.severity, code: d.code, message: d.message, file: d.location?.file ?? null, line: d.location?.line ?? null, column: d.location?.column ?? null })),
    unconfirmedDeletes: preview.unconfirmedDeletes,
    ...(preview.plan ? { plan: preview.plan } : {}),
    ...(preview.identityCenter ? { identityCenter: preview.identityCenter } : {}),
    ...(preview.organizations ? { organizations: preview.organizations } : {}),
  };
}
