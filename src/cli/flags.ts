/** Flags several commands share, declared once so their help reads the same everywhere. */
import { FlagSpec } from './command';

export const DIR = { type: 'string', value: 'DIR', description: 'the repository (default: the current folder)' } as const satisfies FlagSpec;
export const BASE = { type: 'string', value: 'REF', description: 'the commit the change is measured from (a branch, tag or SHA)' } as const satisfies FlagSpec;
export const ACCOUNTS = { type: 'string', value: 'IDS', description: 'only these accounts (12-digit IDs, comma-separated)' } as const satisfies FlagSpec;
export const CONCURRENCY = { type: 'string', value: 'N', description: 'accounts at once (default: settings terraform.concurrency)' } as const satisfies FlagSpec;
export const TERRAFORM = { type: 'string', value: 'BIN', description: 'terraform or tofu (default: settings terraform.binary; PRISM_TERRAFORM overrides it)' } as const satisfies FlagSpec;
export const DISCOVERY = { type: 'string', value: 'FILE', description: 'discovery results (default: <dir>/.prism/discovery.json when present)' } as const satisfies FlagSpec;
export const SHARDS = {
  type: 'string',
  value: 'N',
  description: 'do nothing but print a GitHub Actions matrix {"include":[{"shard":0,"accounts":"id,..."}]} of at most N shards (also set as the step output matrix)',
} as const satisfies FlagSpec;
export const PR = { type: 'string', value: 'N', description: 'the pull request, recorded on each rollout row' } as const satisfies FlagSpec;
export const NO_LEDGER = { type: 'boolean', description: 'do not write the ledger (a dry run of the recording)' } as const satisfies FlagSpec;
export const STALE_AFTER = { type: 'string', value: 'MINUTES', description: 'PENDING rows older than this, left by a killed run, become FAILED "interrupted" (default 120)' } as const satisfies FlagSpec;
export const FAILURE_TOLERANCE = { type: 'string', value: 'N', description: 'failed accounts tolerated before no new account starts, as CloudFormation StackSets (default 0)' } as const satisfies FlagSpec;

/** The flags of every command that applies accounts (apply, retry). */
export const RUN_FLAGS = {
  concurrency: CONCURRENCY,
  terraform: TERRAFORM,
  pr: PR,
  'no-ledger': NO_LEDGER,
  'stale-after': STALE_AFTER,
} as const;

/** Every command's --quiet. */
export const QUIET = { type: 'boolean', description: 'print only the result and errors: no progress, news or per-account lines that succeeded' } as const satisfies FlagSpec;
