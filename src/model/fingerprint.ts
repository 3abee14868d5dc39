/**
 * The fingerprint of an account's stack: what must be true in AWS for the account to hold the
 * desired state. Apply compares it with the account's latest watermark (what was last applied there
 * in full) and applies exactly the accounts where they differ, so a cancelled, failed or skipped run
 * never loses a merge. Discovery-only fields (an import marker, what discovery saw) are left out:
 * they change how Terraform gets there, not what it gets to.
 */
import { createHash } from 'node:crypto';
import { Settings } from '../core/settings';
import { AccountDesiredState } from './desired-state';
import { IdentityCenterDesiredState } from './identity-center';

/** The settings that shape every stack's resources and provider. */
function stackSettings(s: Settings): unknown {
  return { region: s.region, deployRole: s.deployRole, rolesPath: s.roles.path, providerVersion: s.terraform.providerVersion ?? null };
}

/** A stable hash of the state an account's stack declares (sha256, hex). */
export function stackFingerprint(state: AccountDesiredState, settings: Settings): string {
  const policies = state.policies.map((p) => ({ name: p.name, policyId: p.policyId, document: p.document, attachedTo: p.attachedTo, adoptedAt: p.adoptedAt ?? null }));
  return createHash('sha256').update(JSON.stringify({ v: 1, account: state.account, roles: state.roles, policies, settings: stackSettings(settings) })).digest('hex');
}

/** A stable hash of the state the identity-center stack declares (sha256, hex). */
export function identityCenterFingerprint(state: IdentityCenterDesiredState, settings: Settings): string {
  return createHash('sha256').update(JSON.stringify({ v: 1, stack: 'identity-center', state, settings: stackSettings(settings) })).digest('hex');
}
