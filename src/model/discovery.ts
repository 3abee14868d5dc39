import { OrganizationsSnapshot } from './organizations';

/**
 * The discovery results file (`prism discover --out`, default `.prism/discovery.json`): what each
 * account really holds. Synth reads it to import existing policies; preview reads it for warnings.
 */
export interface DiscoveryResults {
  readonly version: 1;
  readonly generatedAt: string;
  readonly accounts: Readonly<Record<string, AccountDiscovery>>;
  /**
   * The accounts of every organizational unit the assignments name, as AWS Organizations lists them
   * now. The committed organizations.lock.json is what synth uses; the preview compares the two.
   */
  readonly organizations?: OrganizationsSnapshot;
}

/** One account's discovery. `status: 'error'` when the role could not be assumed or IAM denied access. */
export interface AccountDiscovery {
  readonly status: 'ok' | 'error';
  readonly error?: { readonly code: string; readonly message: string };
  readonly policies: Readonly<Record<string, PolicyDiscovery>>;
}

/** What exists under `Prism-<name>` in an account. */
export interface PolicyDiscovery {
  /**
   * absent: will be created; managed: tagged Prism:Managed=true; unmanaged: exists untagged, will be
   * adopted; conflict: a policy of that name exists at another IAM path, so creating it will fail
   * (IAM names are unique in an account whatever the path).
   */
  readonly state: 'absent' | 'managed' | 'unmanaged' | 'conflict';
  /** For a conflict: the IAM path it was found at (e.g. /team/). */
  readonly path?: string;
  readonly arn?: string;
  /** The adoption time: recorded once when first found unmanaged, or read from the Prism:AdoptedAt tag. */
  readonly adoptedAt?: string;
  readonly defaultVersionId?: string;
  /** Set when the live default version differs from the repository's document. */
  readonly drift?: { readonly liveDocument: unknown };
  /** For policies being deleted: attachments Prism did not make. */
  readonly nonPrismAttachments?: readonly { readonly type: 'role' | 'user' | 'group'; readonly name: string }[];
}

/**
 * Merges a discovery run into the previous results, so a narrower run (`--accounts`, `--base`)
 * never forgets what an earlier one recorded: accounts not looked up keep their entries; policies an
 * account's run did not look up keep theirs; an account that errors keeps its earlier policies (and
 * so its recorded adoption times), marked with the new error.
 */
export function mergeDiscovery(previous: DiscoveryResults | undefined, fresh: DiscoveryResults): DiscoveryResults {
  const accounts: Record<string, AccountDiscovery> = { ...(previous?.accounts ?? {}) };
  for (const [account, now] of Object.entries(fresh.accounts)) {
    const before = previous?.accounts[account];
    accounts[account] = now.status === 'error' ? { ...now, policies: before?.policies ?? {} } : { ...now, policies: { ...(before?.policies ?? {}), ...now.policies } };
  }
  // organizational units as listed now; an earlier listing is kept when this run listed none
  const organizations = fresh.organizations ?? previous?.organizations;
  return { version: fresh.version, generatedAt: fresh.generatedAt, accounts: Object.fromEntries(Object.entries(accounts).sort(([a], [b]) => (a < b ? -1 : 1))), ...(organizations ? { organizations } : {}) };
}
