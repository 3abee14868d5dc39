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
