/**
 * Build-time calibration of the catalog against AWS's own managed policies. The catalog (AWS's
 * Service Authorization Reference) is incomplete in places: AWS-owned SSM documents have ARNs with
 * no account, some actions act on resource types it does not list. Every version of every AWS
 * managed policy was accepted by IAM, so each catalog-based finding they trigger marks a place where
 * the catalog cannot be trusted to prove "this grants nothing"; there, validation warns instead of
 * failing. Run once by scripts/build-data.js; validation only reads the result.
 */
import { historyStatements, IamCatalog, IamCatalogIndex, NO_EVIDENCE } from './iam-catalog';
import { conditionKeyFindings } from './rules/conditions';
import { statementResources } from './rules/resources';
import { scanVariables, variableSites } from './rules/variables';
import { splitArn, ArnFields } from './arn';

/** The index with `evidence` filled from the managed-policy history. */
export function calibrateIamCatalogIndex(index: IamCatalogIndex, history: Readonly<Record<string, { versions: Record<string, { document: unknown }> }>>): IamCatalogIndex {
  const catalog = new IamCatalog({ ...index, evidence: NO_EVIDENCE });
  const arns: Record<string, string> = {};
  const mismatch: Record<string, string> = {};
  const keys: Record<string, string> = {};
  const keyActions: Record<string, string> = {};
  for (const [name, st] of historyStatements(history)) {
    const { misfits, mismatch: m } = statementResources(catalog, st, '');
    for (const f of misfits) arns[`${f.match.kind} ${(splitArn(f.arn) as ArnFields).service}`] ??= name;
    for (const [arn] of m?.unusable ?? []) {
      const service = (splitArn(arn) as ArnFields).service;
      for (const a of m!.actions) mismatch[`${a.toLowerCase()} ${service}`] ??= name;
    }
    for (const f of conditionKeyFindings(catalog, st, '')) {
      if (f.kind === 'unknown' || f.kind === 'unlisted') keys[f.key.toLowerCase()] ??= name;
      else if (f.kind === 'unsupported') keyActions[f.key.toLowerCase()] ??= name;
    }
    for (const [text] of variableSites(st, '')) {
      for (const v of scanVariables(undefined, text, '')) if (catalog.findKey(v.key).kind === 'unknown') keys[v.key.toLowerCase()] ??= name;
    }
  }
  return { ...index, evidence: { arns, mismatch, keys, keyActions } };
}
