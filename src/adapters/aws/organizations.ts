import {
  DescribeOrganizationalUnitCommand,
  ListRootsCommand,
  OrganizationsClient,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { externalError } from '../../core/errors';
import { accountRoleArn } from '../../core/naming';
import { AssumeRoleSettings } from '../../core/settings';
import { OrganizationalUnitMembership, OrganizationsSnapshot } from '../../model/organizations';

/** Where and how to read AWS Organizations. */
export interface ResolveUnitsOptions {
  /** The management account or a delegated administrator for Organizations. */
  readonly account: string;
  /** The role assumed there (organizations:ListAccountsForParent, ListOrganizationalUnitsForParent, DescribeOrganizationalUnit, ListRoots). */
  readonly role: AssumeRoleSettings;
  /** For STS; Organizations itself is global. */
  readonly region: string;
  /** @default () => new Date() */
  readonly now?: () => Date;
}

/** SDK retry for throttling: adaptive backoff with client-side rate limiting, up to 10 attempts. */
const RETRY = { maxAttempts: 10, retryMode: 'adaptive' } as const;

/** Every ACTIVE account directly in `parent` and in its child OUs, depth first. */
async function accountsUnder(org: OrganizationsClient, parent: string): Promise<string[]> {
  const accounts: string[] = [];
  for await (const page of paginateListAccountsForParent({ client: org }, { ParentId: parent })) {
    // StackSets deploys to active accounts only: a suspended or closing account gets nothing
    for (const a of page.Accounts ?? []) if (a.Id && (a.Status ?? 'ACTIVE') === 'ACTIVE') accounts.push(a.Id);
  }
  for await (const page of paginateListOrganizationalUnitsForParent({ client: org }, { ParentId: parent })) {
    for (const ou of page.OrganizationalUnits ?? []) if (ou.Id) accounts.push(...(await accountsUnder(org, ou.Id)));
  }
  return accounts;
}

/**
 * Resolves organizational units (and roots) to their accounts through AWS Organizations, assuming
 * the configured role in the management or delegated-administrator account. Throws an external
 * error naming the OU when one cannot be read (it does not exist, or access is denied).
 */
export async function resolveOrganizationalUnits(units: readonly string[], options: ResolveUnitsOptions): Promise<OrganizationsSnapshot> {
  const resolvedAt = (options.now ?? (() => new Date()))().toISOString();
  const sts = new STSClient({ region: options.region, ...RETRY });
  let org: OrganizationsClient;
  try {
    const assumed = await sts.send(
      new AssumeRoleCommand({
        RoleArn: accountRoleArn(options.role.arnPattern, options.account),
        RoleSessionName: options.role.sessionName,
        ...(options.role.externalId ? { ExternalId: options.role.externalId } : {}),
        DurationSeconds: 900,
      }),
    );
    const c = assumed.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error('AssumeRole returned no credentials');
    // Organizations' endpoint is in us-east-1 for the aws partition
    org = new OrganizationsClient({ region: 'us-east-1', credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration }, ...RETRY });
  } catch (err) {
    throw externalError(`cannot assume ${accountRoleArn(options.role.arnPattern, options.account)} to read AWS Organizations: ${(err as Error).name}: ${(err as Error).message}`, err);
  } finally {
    sts.destroy();
  }
  try {
    const organizationalUnits: Record<string, OrganizationalUnitMembership> = {};
    let roots: Map<string, string> | undefined;
    for (const unit of [...new Set(units)].sort()) {
      let name: string | undefined;
      try {
        if (unit.startsWith('r-')) {
          roots ??= new Map(((await org.send(new ListRootsCommand({}))).Roots ?? []).map((r) => [r.Id ?? '', r.Name ?? 'Root']));
          if (!roots.has(unit)) throw Object.assign(new Error(`root ${unit} is not this organization's`), { name: 'RootNotFoundException' });
          name = roots.get(unit);
        } else {
          name = (await org.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: unit }))).OrganizationalUnit?.Name;
        }
        organizationalUnits[unit] = { ...(name ? { name } : {}), accounts: [...new Set(await accountsUnder(org, unit))].sort() };
      } catch (err) {
        throw externalError(`AWS Organizations cannot list organizational unit ${unit}: ${(err as Error).name}: ${(err as Error).message}`, err);
      }
    }
    return { resolvedAt, organizationalUnits };
  } finally {
    org.destroy();
  }
}
