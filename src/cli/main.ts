import { PrismError } from '../core/errors';

interface Command {
  readonly summary: string;
  /** Loads the command's module only when it runs, so `prism validate` never pays for cdktf, the AWS SDK or git. */
  readonly run: () => Promise<(argv: string[]) => Promise<number>>;
}

const COMMANDS: Record<string, Command> = {
  validate: { summary: 'check policies, permission sets, assignments and settings', run: async () => (await import('./commands/validate')).validateCommand },
  synth: { summary: 'write one Terraform (CDKTF) stack per AWS account to cdktf.out', run: async () => (await import('./commands/synth')).synthCommand },
  discover: { summary: 'look up what each AWS account holds: adoption, drift, delete pre-checks', run: async () => (await import('./commands/discover')).discoverCommand },
  plan: { summary: 'terraform plan for every affected account stack, summarised for the preview', run: async () => (await import('./commands/plan')).planCommand },
  preview: { summary: 'the propagation preview of a change, as markdown or JSON, posted on the PR', run: async () => (await import('./commands/preview')).previewCommand },
  apply: { summary: 'apply the affected accounts and record each rollout in the ledger', run: async () => (await import('./commands/apply')).applyCommand },
  rollouts: { summary: "a policy's rollout status per account, from the ledger", run: async () => (await import('./commands/rollouts')).rolloutsCommand },
  retry: { summary: 'retry the failed rollouts of a policy', run: async () => (await import('./commands/retry')).retryCommand },
  dashboard: { summary: 'the rollout ledger as a static site: every policy, account and wave', run: async () => (await import('./commands/dashboard')).dashboardCommand },
  drift: { summary: 'report what was edited outside Prism, for the scheduled drift issue', run: async () => (await import('./commands/drift')).driftCommand },
  pin: { summary: 'pin an exact AWS managed policy version as a CMP; --check for upstream changes', run: async () => (await import('./commands/pin')).pinCommand },
  bootstrap: { summary: 'the roles the pipeline assumes in each account, as CDKTF stacks (least privilege)', run: async () => (await import('./commands/bootstrap')).bootstrapCommand },
  example: { summary: 'run validate, synth and preview on the bundled example, offline', run: async () => (await import('./commands/example')).exampleCommand },
};

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `prism: GitOps for customer managed IAM policies across many AWS accounts

Usage: prism <command> [flags]

Commands:
${lines.join('\n')}

Run prism <command> --help for a command's flags. See README.md for the repository format.`;
}

/** Runs the CLI and returns the exit code: 0 ok, 1 repository errors or failed accounts, 2 usage, 3 external failure, 4 internal. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    const { versionText } = await import('./version');
    process.stdout.write(versionText() + '\n');
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`prism: unknown command ${JSON.stringify(name)}\n\n${usage()}\n`);
    return 2;
  }
  try {
    return await (await command.run())(rest);
  } catch (err) {
    return reportError(err);
  }
}

function reportError(err: unknown): number {
  if (err instanceof PrismError) {
    process.stderr.write(`prism: ${err.kind === 'usage' ? '' : err.kind + ' error: '}${err.message}\n`);
    if (err.options.hint) process.stderr.write(`  hint: ${err.options.hint}\n`);
    if (err.kind === 'external' && err.options.cause instanceof Error) process.stderr.write(`  cause: ${err.options.cause.message}\n`);
    return err.kind === 'usage' ? 2 : err.kind === 'external' ? 3 : 4;
  }
  process.stderr.write(`prism: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
  return 4;
}
