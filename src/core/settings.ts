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

/** Prism's settings after defaults are applied. Read from `context.prism` in cdktf.json. */
export interface Settings {
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
    region,
    deployRole: assumeRole(r.deployRole, 'PrismDeploy'),
    planRole: assumeRole(r.planRole, 'PrismPlan'),
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

/** The longest permission-set name whose role name fits AWS's 64-character limit. */
export function maxPermissionSetNameLength(settings: Settings): number {
  const fixed = settings.roles.namePattern.replace(/\{permissionSet\}/g, '').length;
  const uses = settings.roles.namePattern.split('{permissionSet}').length - 1;
  return Math.floor((64 - fixed) / Math.max(uses, 1));
}
