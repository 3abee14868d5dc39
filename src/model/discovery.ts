/**
 * The discovery results file (`prism discover --out`, default `.prism/discovery.json`): what each
 * account really holds. Synth reads it to import existing policies; preview reads it for warnings.
 */
export interface DiscoveryResults {
  readonly version: 1;
  readonly generatedAt: string;
  readonly accounts: Readonly<Record<string, AccountDiscovery>>;
}

/** One account's discovery. `status: 'error'` when the role could not be assumed or IAM denied access. */
export interface AccountDiscovery {
  readonly status: 'ok' | 'error';
  readonly error?: { readonly code: string; readonly message: string };
  readonly policies: Readonly<Record<string, PolicyDiscovery>>;
}

/** What exists under `Prism-<name>` in an account. */
export interface PolicyDiscovery {
  /** absent: will be created; managed: tagged Prism:Managed=true; unmanaged: exists untagged, will be adopted. */
  readonly state: 'absent' | 'managed' | 'unmanaged';
  readonly arn?: string;
  /** The adoption time: recorded once when first found unmanaged, or read from the Prism:AdoptedAt tag. */
  readonly adoptedAt?: string;
  readonly defaultVersionId?: string;
  /** Set when the live default version differs from the repository's document. */
  readonly drift?: { readonly liveDocument: unknown };
  /** For policies being deleted: attachments Prism did not make. */
  readonly nonPrismAttachments?: readonly { readonly type: 'role' | 'user' | 'group'; readonly name: string }[];
}

/** Checks the shape of a parsed discovery file; returns a message for the first problem, or undefined. */
export function checkDiscoveryResults(value: unknown): string | undefined {
  const v = value as DiscoveryResults;
  if (!v || typeof v !== 'object' || v.version !== 1 || typeof v.accounts !== 'object' || v.accounts === null) {
    return 'expected {"version": 1, "generatedAt": ..., "accounts": {...}}';
  }
  for (const [account, a] of Object.entries(v.accounts)) {
    if (!/^\d{12}$/.test(account)) return `account key ${JSON.stringify(account)} is not a 12-digit account ID`;
    if (!a || (a.status !== 'ok' && a.status !== 'error') || typeof a.policies !== 'object') return `account ${account}: expected status "ok" or "error" and a policies object`;
    for (const [name, p] of Object.entries(a.policies)) {
      if (!p || !['absent', 'managed', 'unmanaged'].includes(p.state)) return `account ${account} policy ${name}: state must be absent, managed or unmanaged`;
      if (p.adoptedAt !== undefined && Number.isNaN(Date.parse(p.adoptedAt))) return `account ${account} policy ${name}: adoptedAt is not an ISO timestamp`;
    }
  }
  return undefined;
}
