import { drift } from '../../pipeline/drift';
import { repoDir } from '../args';
import { defineCommand } from '../command';
import { DIR, DISCOVERY, QUIET } from '../flags';

/** `prism drift`. */
export const command = defineCommand({
  name: 'drift',
  summary: 'report what was edited outside Prism, for the scheduled drift issue',
  usage: ['drift [--plan FILE]... [--discovery FILE] [--dir DIR] [--quiet]'],
  description: `Reports what was edited outside Prism, from refresh-only plans (prism plan --all --refresh-only)
and discovery (prism discover --all), as the markdown body of the one drift issue the scheduled
workflow opens or updates. Only attributes the stacks set count as drift.`,
  flags: {
    quiet: QUIET,
    dir: DIR,
    plan: { type: 'string', multiple: true, value: 'FILE', description: 'refresh-only plan summaries (default: <dir>/.prism/plan.json when present)' },
    discovery: DISCOVERY,
  },
  examples: [{ command: 'drift --plan .prism/drift-plan.json', description: 'after prism plan --all --refresh-only --out .prism/drift-plan.json and prism discover --all' }],
  exitCodes: ['0 no drift', '1 drift found', '2 usage error'],
  async run({ flags }, io) {
    const outcome = drift({ dir: repoDir(flags.dir), planFiles: flags.plan, discoveryFile: flags.discovery });
    io.stdout(outcome.markdown + '\n');
    return outcome.findings.length ? 1 : 0;
  },
});
