import { GetPolicyCommand, GetPolicyVersionCommand, IAMClient, paginateListEntitiesForPolicy, paginateListPolicies } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { accountRoleArn, IDC_RESERVED_ROLE_PATH, policyArn, policyName, TAGS } from '../../core/naming';
import { AssumeRoleSettings, Settings } from '../../core/settings';
import { AccountDiscovery, DiscoveryResults, PolicyDiscovery } from '../../model/discovery';
import { normalizePolicyText } from '../../model/normalize';
import { PolicyDocument } from '../../model/types';
import { mapPool } from '../../core/pool';

/** What to look up in one account. */
export interface DiscoverTarget {
  readonly account: string;
  /** CMPs the account needs (or that change there): looked up for adoption and drift. */
  readonly policies: readonly string[];
  /** CMPs being deleted there: their attachments are listed. */
  readonly deleting: readonly string[];
}

/** Options for `discoverAccounts`. */
export interface DiscoverOptions {
  readonly settings: Settings;
  /** The role to assume in each account. @default settings.planRole */
  readonly role?: AssumeRoleSettings;
  /** The normalised document Prism last applied, per policy: a different live default version is drift. */
  readonly expectedDocuments: ReadonlyMap<string, string>;
  /** A previous results file: adoption times recorded there are reused, never re-recorded. */
  readonly previous?: DiscoveryResults;
  /** Accounts looked up at once. @default 8 */
  readonly concurrency?: number;
  /** @default () => new Date() */
  readonly now?: () => Date;
  /** How to wait between retries of a throttled call. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called after each account. */
  readonly onAccount?: (done: number, total: number, account: string, result: AccountDiscovery) => void;
}

/** SDK retry for throttling: adaptive backoff with client-side rate limiting, up to 10 attempts. */
const RETRY = { maxAttempts: 10, retryMode: 'adaptive' } as const;

const THROTTLING = new Set(['Throttling', 'ThrottlingException', 'RequestLimitExceeded', 'TooManyRequestsException', 'SlowDown', 'RequestThrottled']);
/** Attempts of one call that keeps being throttled after the SDK's own retries. */
const THROTTLE_ATTEMPTS = 5;

/**
 * Sends a command; when it is throttled even after the SDK's retries (a thousand accounts share one
 * IAM rate limit per account, and STS per caller), waits with exponential backoff and full jitter,
 * and tries again.
 */
async function sendWithBackoff<T>(send: () => Promise<T>, sleep: (ms: number) => Promise<void>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (err) {
      if (!THROTTLING.has((err as Error).name) || attempt >= THROTTLE_ATTEMPTS) throw err;
      await sleep(Math.round(200 * 2 ** attempt * (0.5 + Math.random() / 2)));
    }
  }
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function partitionOf(role: AssumeRoleSettings): string {
  return /^arn:([^:]+):/.exec(role.arnPattern)?.[1] ?? 'aws';
}

function tagValue(tags: { Key?: string; Value?: string }[] | undefined, key: string): string | undefined {
  return tags?.find((t) => t.Key === key)?.Value;
}

/** Decodes a policy version document as IAM returns it (URL-encoded JSON). */
export function decodePolicyDocument(raw: string): unknown {
  const text = raw.trimStart().startsWith('{') ? raw : decodeURIComponent(raw);
  return JSON.parse(text);
}

/** Every customer managed policy of the account by name, with its ARN and path (listed once, when first needed). */
async function localPoliciesByName(iam: IAMClient): Promise<Map<string, { arn: string; path: string }>> {
  const out = new Map<string, { arn: string; path: string }>();
  for await (const page of paginateListPolicies({ client: iam }, { Scope: 'Local' })) {
    for (const p of page.Policies ?? []) if (p.PolicyName && p.Arn) out.set(p.PolicyName, { arn: p.Arn, path: p.Path ?? '/' });
  }
  return out;
}

async function discoverPolicy(iam: IAMClient, account: string, name: string, deleting: boolean, options: DiscoverOptions, partition: string, startedAt: string, byName: () => Promise<Map<string, { arn: string; path: string }>>): Promise<PolicyDiscovery> {
  const arn = policyArn(account, name, partition);
  const sleep = options.sleep ?? defaultSleep;
  let policy;
  try {
    policy = (await sendWithBackoff(() => iam.send(new GetPolicyCommand({ PolicyArn: arn })), sleep)).Policy;
  } catch (err) {
    if ((err as Error).name !== 'NoSuchEntityException') throw err;
    // not at the root path; IAM names are unique in an account whatever the path, so look for it elsewhere
    const elsewhere = (await byName()).get(policyName(name));
    return elsewhere ? { state: 'conflict', arn: elsewhere.arn, path: elsewhere.path } : { state: 'absent' };
  }
  const managed = tagValue(policy?.Tags, TAGS.managed) === 'true';
  const found: { -readonly [K in keyof PolicyDiscovery]: PolicyDiscovery[K] } = {
    state: managed ? 'managed' : 'unmanaged',
    arn,
    defaultVersionId: policy?.DefaultVersionId,
  };
  if (managed) {
    const adoptedAt = tagValue(policy?.Tags, TAGS.adoptedAt);
    if (adoptedAt) found.adoptedAt = adoptedAt;
  } else {
    // recorded once: the first discovery that finds it untagged sets the time; later ones reuse it
    found.adoptedAt = options.previous?.accounts[account]?.policies[name]?.adoptedAt ?? startedAt;
  }
  const expected = options.expectedDocuments.get(name);
  if (managed && expected && policy?.DefaultVersionId) {
    const version = await sendWithBackoff(() => iam.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: policy.DefaultVersionId })), sleep);
    const live = decodePolicyDocument(version.PolicyVersion?.Document ?? '{}');
    if (normalizePolicyText(live as PolicyDocument) !== expected) found.drift = { liveDocument: live };
  }
  // identity-center mode: the roles IAM Identity Center provisions are Prism's (its stack detaches the policy before the delete)
  if (deleting) found.nonPrismAttachments = await nonPrismAttachments(iam, arn, options.settings.mode === 'identity-center' ? IDC_RESERVED_ROLE_PATH : options.settings.roles.path);
  return found;
}

/** Everything the policy is attached to that is not a Prism role (a role under the Prism role path). */
async function nonPrismAttachments(iam: IAMClient, arn: string, prismPath: string): Promise<{ type: 'role' | 'user' | 'group'; name: string }[]> {
  const prismRoles = new Set<string>();
  for await (const page of paginateListEntitiesForPolicy({ client: iam }, { PolicyArn: arn, PathPrefix: prismPath, EntityFilter: 'Role' })) {
    for (const r of page.PolicyRoles ?? []) if (r.RoleName) prismRoles.add(r.RoleName);
  }
  const others: { type: 'role' | 'user' | 'group'; name: string }[] = [];
  for await (const page of paginateListEntitiesForPolicy({ client: iam }, { PolicyArn: arn })) {
    for (const r of page.PolicyRoles ?? []) if (r.RoleName && !prismRoles.has(r.RoleName)) others.push({ type: 'role', name: r.RoleName });
    for (const u of page.PolicyUsers ?? []) if (u.UserName) others.push({ type: 'user', name: u.UserName });
    for (const g of page.PolicyGroups ?? []) if (g.GroupName) others.push({ type: 'group', name: g.GroupName });
  }
  return others;
}

/** Looks up one account. Never throws: a failure becomes the account's error, with the AWS error code. */
async function discoverAccount(sts: STSClient, target: DiscoverTarget, options: DiscoverOptions, startedAt: string): Promise<AccountDiscovery> {
  const role = options.role ?? options.settings.planRole;
  try {
    const assumed = await sendWithBackoff(
      () =>
        sts.send(
          new AssumeRoleCommand({
            RoleArn: accountRoleArn(role.arnPattern, target.account),
            RoleSessionName: role.sessionName,
            ...(role.externalId ? { ExternalId: role.externalId } : {}),
            DurationSeconds: 900,
          }),
        ),
      options.sleep ?? defaultSleep,
    );
    const c = assumed.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw Object.assign(new Error('AssumeRole returned no credentials'), { name: 'NoCredentials' });
    const iam = new IAMClient({
      region: options.settings.region,
      credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration },
      ...RETRY,
    });
    const partition = partitionOf(role);
    const policies: Record<string, PolicyDiscovery> = {};
    const deleting = new Set(target.deleting);
    let listed: Promise<Map<string, { arn: string; path: string }>> | undefined;
    const byName = () => (listed ??= localPoliciesByName(iam));
    for (const name of [...new Set([...target.policies, ...target.deleting])].sort()) {
      policies[name] = await discoverPolicy(iam, target.account, name, deleting.has(name), options, partition, startedAt, byName);
    }
    return { status: 'ok', policies };
  } catch (err) {
    const e = err as Error & { Code?: string };
    return { status: 'error', error: { code: e.name || e.Code || 'Error', message: e.message }, policies: {} };
  }
}

/**
 * Looks up what each account really holds: for each CMP, absent / managed / unmanaged (to adopt), drift
 * of the default version, and for deletes, attachments Prism did not make. Accounts are independent:
 * one failing never stops or changes the others.
 */
export async function discoverAccounts(targets: readonly DiscoverTarget[], options: DiscoverOptions): Promise<DiscoveryResults> {
  const now = options.now ?? (() => new Date());
  const startedAt = now().toISOString();
  // credentials come from the standard chain (OIDC web identity in CI); nothing here prints them
  const sts = new STSClient({ region: options.settings.region, ...RETRY });
  let done = 0;
  const results = await mapPool(targets, options.concurrency ?? 8, async (t) => {
    const r = await discoverAccount(sts, t, options, startedAt);
    options.onAccount?.(++done, targets.length, t.account, r);
    return [t.account, r] as const;
  });
  return { version: 1, generatedAt: startedAt, accounts: Object.fromEntries(results) };
}
