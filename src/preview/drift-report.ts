import { DiscoveryResults } from '../model/discovery';
import { policyOfAddress } from '../core/naming';
import { PlanSummary } from '../model/terraform';
import { mdCode, mdText } from '../core/markdown';

/** Marker of the one drift issue. */
export const DRIFT_MARKER = '<!-- prism-drift-report -->';
/** The label of the one drift issue. */
export const DRIFT_LABEL = 'prism-drift';
/** Most findings listed in the issue (its body holds at most 65,536 characters). */
const MAX_ROWS = 300;

/** Where something was edited outside Prism, from refresh-only plans and discovery. */
export interface DriftFinding {
  readonly account: string;
  readonly what: string;
  readonly source: 'terraform' | 'discovery';
}

/** Collects drift findings. Pure. */
export function findDrift(plans: readonly PlanSummary[], discovery?: DiscoveryResults): { findings: DriftFinding[]; failed: PlanSummary[] } {
  const findings: DriftFinding[] = [];
  for (const p of plans) {
    for (const d of p.drift) {
      const policy = policyOfAddress(d.address);
      findings.push({ account: p.account, what: policy ? `Prism-${policy} (${d.address})` : d.address, source: 'terraform' });
    }
    // a refresh-only plan lists the refreshed objects as changes too
    for (const c of p.changes) if (!c.actions.every((a) => a === 'no-op' || a === 'read') && !p.drift.some((d) => d.address === c.address)) findings.push({ account: p.account, what: c.address, source: 'terraform' });
  }
  for (const [account, a] of Object.entries(discovery?.accounts ?? {})) {
    for (const [name, pol] of Object.entries(a.policies)) if (pol.drift) findings.push({ account, what: `Prism-${name}: default version ${pol.defaultVersionId ?? '?'} differs from the repository`, source: 'discovery' });
  }
  return { findings, failed: plans.filter((p) => p.status === 'failed') };
}

/** The drift issue's body. */
export function renderDriftReport(findings: readonly DriftFinding[], failed: readonly PlanSummary[], when: string, failedDiscovery: readonly string[] = []): string {
  const lines = [DRIFT_MARKER, `## Prism drift report (${mdText(when)})`, ''];
  if (findings.length === 0) lines.push('No drift: every Prism policy and role matches what Prism applied.', '');
  else {
    lines.push(`**${findings.length} object(s) were changed outside Prism.** Prism itself does not watch for out-of-band edits; this check does. The next apply of each account overwrites them: fix the repository if the edit was meant to stay.`, '');
    lines.push('| Account | What | Found by |', '| --- | --- | --- |');
    for (const f of findings.slice(0, MAX_ROWS)) lines.push(`| ${f.account} | ${mdCode(f.what)} | ${f.source} |`);
    if (findings.length > MAX_ROWS) lines.push('', `…and ${findings.length - MAX_ROWS} more: run \`prism drift\` for the whole list.`);
    lines.push('');
  }
  if (failed.length) lines.push(`${failed.length} account(s) could not be planned: ${failed.slice(0, 50).map((f) => f.account).join(', ')}${failed.length > 50 ? ', …' : ''}.`, '');
  if (failedDiscovery.length) lines.push(`Discovery could not look into ${failedDiscovery.length} account(s): ${failedDiscovery.slice(0, 50).join(', ')}${failedDiscovery.length > 50 ? ', …' : ''}.`, '');
  return lines.join('\n');
}
