import { example } from '../../pipeline/example';
import { renderValidation } from '../../pipeline/validate';
import { defineCommand } from '../command';
import { QUIET } from '../flags';
import { printRefusal, shown } from '../output';
import { TerminalReporter } from '../terminal';

/** `prism example`. */
export const command = defineCommand({
  name: 'example',
  summary: 'run validate, synth and preview on the bundled example, offline',
  usage: ['example [--keep] [--identity-center] [--quiet]'],
  description: `Runs the pipeline's main job on the bundled example organisation, offline, on embedded defaults:
validate, then synth, then the propagation preview of an example change (DataLakeRead gains an
action; the Developer permission set gains ReadOnlyBilling). It works on a copy in a temporary
folder (a fresh git repository), so your checkout is never touched.`,
  flags: {
    keep: { type: 'boolean', description: 'keep the temporary folder and print its path' },
    'identity-center': { type: 'boolean', description: 'the identity-center variant (examples/identity-center): IAM Identity Center permission sets, principals, organizational units' },
    quiet: QUIET,
  },
  examples: [
    { command: 'example', description: 'see what Prism does, with no AWS, Terraform or GitHub' },
    { command: 'example --identity-center', description: 'the same organisation in IAM Identity Center mode, with assignments by organizational unit' },
  ],
  exitCodes: ['0 done', '1 the example has errors (it should not)', '2 usage error'],
  async run({ flags }, io) {
    const reporter = new TerminalReporter('example', io, { quiet: flags.quiet });
    const heading = (text: string) => io.stdout(`\n=== ${text} ===\n\n`);
    const outcome = await example({ keep: flags.keep, variant: flags['identity-center'] ? 'identity-center' : 'roles', reporter });
    io.stdout(`prism example: worked on a copy of the bundled organisation in ${outcome.work}\n`);
    heading('1. prism validate');
    io.stdout(renderValidation({ diagnostics: outcome.validation, filesChecked: outcome.filesChecked }, 'text'));
    let code = outcome.validation.some((d) => d.severity === 'error') ? 1 : 0;
    if (outcome.synth) {
      heading('2. prism synth');
      if (outcome.synth.kind === 'refused') return printRefusal(io, 'synth', outcome.synth);
      const r = outcome.synth.result;
      io.stdout(`synthesised ${r.stacks} account stack(s): ${r.policies} policies, ${r.roles} roles, ${r.resources} resources${r.identityCenter ? ', and the identity-center stack' : ''}\n`);
      io.stdout(`${outcome.stacks!.length} stacks in cdktf.out/stacks: ${outcome.stacks!.join(', ')}\n`);
    }
    if (outcome.preview) {
      heading('3. prism preview --base HEAD (the example change: edit DataLakeRead, attach ReadOnlyBilling to Developer)');
      io.stdout(outcome.preview.markdown + '\n');
      code = outcome.preview.failures.length ? 1 : code;
    }
    if (outcome.kept) io.stdout(`\nkept ${shown(outcome.work)}\n`);
    return code;
  },
});
