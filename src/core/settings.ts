/** How Prism assumes a role in each account. */
export interface AssumeRoleSettings {
  /** ARN with `{account}` in place of the account ID. */
  readonly arnPattern: string;
  readonly externalId?: string;
  /** @default 'prism' */
  readonly sessionName: string;
}

/** Where Terraform keeps each account's state. */
export type BackendSettings =
  | { readonly type: 'local'; /** @default 'terraform-state' */ readonly dir: string }
  | {
      readonly type: 's3';
      readonly bucket: string;
      /** @default 'prism' */
      readonly keyPrefix: string;
      readonly region: string;
      readonly useLockfile: boolean;
      readonly dynamodbTable?: string;
      /** @default true */
      readonly encrypt: boolean;
      readonly roleArn?: string;
    };

/** How permission sets reach accounts: Prism's own IAM roles (the default), or IAM Identity Center. */
export type PrismMode = 'roles' | 'identity-center';

/**
 * IAM Identity Center mode: where the IdC instance lives and how Prism reaches it. Permission sets
 * become IdC permission sets in one stack for `account` (the management account or a delegated
 * administrator); account stacks keep only the Prism-<name> policies.
 */
export interface IdentityCenterSettings {
  /** arn:aws:sso:::instance/ssoins-... */
  readonly instanceArn: string;
  /** d-... : principals named in assignments are looked up here. */
  readonly identityStoreId: string;
  /** The management or delegated-administrator account that holds the IdC stack. */
  readonly account: string;
  /** The IdC instance's home region. @default settings.region */
  readonly region: string;
  /** The role Terraform assumes in `account` to apply. @default settings.deployRole */
  readonly deployRole: AssumeRoleSettings;
  /** The read-only role for plan in `account`. @default settings.planRole */
  readonly planRole: AssumeRoleSettings;
  /** The IdC permission set name, with `{permissionSet}`. @default '{permissionSet}' */
  readonly namePattern: string;
}

/** Where Prism reads AWS Organizations to resolve organizational units in assignments. */
export interface OrganizationsSettings {
  /** The management account or a delegated administrator for Organizations. @default identityCenter.account */
  readonly account?: string;
  /** The role assumed there. @default settings.planRole */
  readonly role: AssumeRoleSettings;
}

/** Prism's settings after defaults are applied. Read from `context.prism` in cdktf.json. */
export interface Settings {
  /** @default 'roles' */
  readonly mode: PrismMode;
  /** Present in identity-center mode (the schema requires it there). */
  readonly identityCenter?: IdentityCenterSettings;
  readonly organizations: OrganizationsSettings;
  /** @default 'us-east-1' */
  readonly region: string;
  /** @default role PrismDeploy */
  readonly deployRole: AssumeRoleSettings;
  /** @default role PrismPlan */
  readonly planRole: AssumeRoleSettings;
  readonly backend: BackendSettings;
  readonly roles: {
    /** @default 'Prism-{permissionSet}' */
    readonly namePattern: string;
    /** @default '/prism/' */
    readonly path: string;
    /** Seconds. @default 3600 */
    readonly sessionDurationSeconds: number;
    /** With `{account}` placeholders. */
    readonly trustPolicy: Record<string, unknown>;
  };
  /** @default 10 */
  readonly managedPolicyBudget: number;
  readonly terraform: {
    /** @default 'terraform' */
    readonly binary: string;
    /** @default 4 */
    readonly concurrency: number;
    /**
     * The AWS provider version constraint written into every stack (`required_providers`), for an
     * organisation whose registry or mirror holds another version. @default the version the
     * @cdktf/provider-aws bindings were generated for
     */
    readonly providerVersion?: string;
    /**
     * Share one provider plugin cache between stacks (TF_PLUGIN_CACHE_DIR, else
     * .terraform-plugin-cache). Turn it off with a filesystem mirror: init links to the mirror. @default true
     */
    readonly pluginCache: boolean;
  };
  /** Where the rollout ledger lives: a branch of the remote (never a checkout). */
  readonly ledger: {
    /** @default 'prism-ledger' */
    readonly branch: string;
    /** @default 'origin' */
    readonly remote: string;
  };
  readonly extraAwsManagedPolicies: readonly string[];
  /** Actions newer than the bundled catalog, accepted as existing. */
  readonly extraIamActions: readonly string[];
}

/** The trust policy every Prism role gets unless settings or the permission set say otherwise. */
export const DEFAULT_TRUST_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'TrustAccount',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::{account}:root' },
      Action: ['sts:AssumeRole', 'sts:TagSession'],
    },
  ],
};

/** Parses an ISO-8601 duration such as PT1H or PT1H30M into seconds; NaN when malformed. */
export function durationToSeconds(duration: string): number {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?$/.exec(duration);
  if (!m || (!m[1] && !m[2])) return NaN;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60;
}

type Raw = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function assumeRole(raw: Raw | undefined, defaultName: string): AssumeRoleSettings {
  const arnPattern = raw?.arnPattern ?? `arn:aws:iam::{account}:role/${raw?.roleName ?? defaultName}`;
  return { arnPattern, externalId: raw?.externalId, sessionName: raw?.sessionName ?? 'prism' };
}

/** Applies the embedded defaults to `context.prism` (already schema-validated, or absent). */
export function resolveSettings(raw: Raw | undefined): Settings {
  const r = raw ?? {};
  const region: string = r.region ?? 'us-east-1';
  const b = r.backend ?? { type: 'local' };
  const deployRole = assumeRole(r.deployRole, 'PrismDeploy');
  const planRole = assumeRole(r.planRole, 'PrismPlan');
  const idc = r.identityCenter;
  const identityCenter: IdentityCenterSettings | undefined = idc
    ? {
        instanceArn: idc.instanceArn,
        identityStoreId: idc.identityStoreId,
        account: idc.account,
        region: idc.region ?? region,
        deployRole: idc.deployRole ? assumeRole(idc.deployRole, 'PrismDeploy') : deployRole,
        planRole: idc.planRole ? assumeRole(idc.planRole, 'PrismPlan') : planRole,
        namePattern: idc.namePattern ?? '{permissionSet}',
      }
    : undefined;
  const orgAccount: string | undefined = r.organizations?.account ?? idc?.account;
  const backend: BackendSettings =
    b.type === 's3'
      ? {
          type: 's3',
          bucket: b.bucket,
          keyPrefix: b.keyPrefix ?? 'prism',
          region: b.region ?? region,
          useLockfile: b.useLockfile ?? !b.dynamodbTable,
          dynamodbTable: b.dynamodbTable,
          encrypt: b.encrypt ?? true,
          roleArn: b.roleArn,
        }
      : { type: 'local', dir: b.dir ?? 'terraform-state' };
  return {
    mode: r.mode ?? 'roles',
    ...(identityCenter ? { identityCenter } : {}),
    organizations: { ...(orgAccount ? { account: orgAccount } : {}), role: r.organizations?.role ? assumeRole(r.organizations.role, 'PrismPlan') : planRole },
    region,
    deployRole,
    planRole,
    backend,
    roles: {
      namePattern: r.roles?.namePattern ?? 'Prism-{permissionSet}',
      path: r.roles?.path ?? '/prism/',
      sessionDurationSeconds: durationToSeconds(r.roles?.sessionDuration ?? 'PT1H'),
      trustPolicy: r.roles?.trustPolicy ?? DEFAULT_TRUST_POLICY,
    },
    managedPolicyBudget: r.managedPolicyBudget ?? 10,
    terraform: {
      binary: r.terraform?.binary ?? 'terraform',
      concurrency: r.terraform?.concurrency ?? 4,
      pluginCache: r.terraform?.pluginCache ?? true,
      ...(r.terraform?.providerVersion ? { providerVersion: r.terraform.providerVersion } : {}),
    },
    ledger: { branch: r.ledger?.branch ?? 'prism-ledger', remote: r.ledger?.remote ?? 'origin' },
    extraAwsManagedPolicies: r.extraAwsManagedPolicies ?? [],
    extraIamActions: r.extraIamActions ?? [],
  };
}

/** The IdC permission set name a Prism permission set gets. */
export function identityCenterPermissionSetName(settings: Settings, permissionSet: string): string {
  return (settings.identityCenter?.namePattern ?? '{permissionSet}').replace(/\{permissionSet\}/g, permissionSet);
}

/** Seconds as an ISO-8601 duration (PT8H, PT1H30M), as IAM Identity Center takes a session duration. */
export function secondsToDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return `PT${h ? `${h}H` : ''}${m ? `${m}M` : ''}` || 'PT1H';
}

/** The longest permission-set name whose role name fits AWS's 64-character limit. */
export function maxPermissionSetNameLength(settings: Settings): number {
  const fixed = settings.roles.namePattern.replace(/\{permissionSet\}/g, '').length;
  const uses = settings.roles.namePattern.split('{permissionSet}').length - 1;
  return Math.floor((64 - fixed) / Math.max(uses, 1));
}
