import { PrismError, usageError } from '../core/errors';
import { closestMatch } from '../core/suggest';
import { CommandSpec, helpText, Io, runCommand } from './command';
import { paintFor, streamOutput } from './terminal';

/** The commands, in the order of the pipeline. Each module loads only when its command runs. */
const COMMANDS: Record<string, { readonly summary: string; readonly load: () => Promise<CommandSpec> }> = {
  validate: { summary: 'check policies, permission sets, assignments and settings', load: async () => (await import('./commands/validate')).command as CommandSpec },
  synth: { summary: 'write one Terraform (CDKTF) stack per AWS account to cdktf.out', load: async () => (await import('./commands/synth')).command as CommandSpec },
  discover: { summary: 'look up what each AWS account holds: adoption, drift, delete pre-checks', load: async () => (await import('./commands/discover')).command as CommandSpec },
  organizations: { summary: 'resolve the organizational units of assignments through AWS Organizations; --update the lock', load: async () => (await import('./commands/organizations')).command as CommandSpec },
  plan: { summary: 'terraform plan for every affected account stack, summarised for the preview', load: async () => (await import('./commands/plan')).command as CommandSpec },
  preview: { summary: 'the propagation preview of a change, as markdown or JSON, posted on the PR', load: async () => (await import('./commands/preview')).command as CommandSpec },
  apply: { summary: 'apply the affected accounts and record each rollout in the ledger', load: async () => (await import('./commands/apply')).command as CommandSpec },
  rollouts: { summary: "a policy's rollout status per account, from the ledger", load: async () => (await import('./commands/rollouts')).command as CommandSpec },
  retry: { summary: 'retry the failed rollouts of a policy', load: async () => (await import('./commands/retry')).command as CommandSpec },
  drift: { summary: 'report what was edited outside Prism, for the scheduled drift issue', load: async () => (await import('./commands/drift')).command as CommandSpec },
  pin: { summary: 'pin an exact AWS managed policy version as a CMP; --check for upstream changes', load: async () => (await import('./commands/pin')).command as CommandSpec },
  bootstrap: { summary: 'the roles the pipeline assumes in each account, as CDKTF stacks (least privilege)', load: async () => (await import('./commands/bootstrap')).command as CommandSpec },
  dashboard: { summary: 'the rollout dashboard: a static site from the ledger (offline, GitHub Pages)', load: async () => (await import('./commands/dashboard')).command as CommandSpec },
  doctor: { summary: 'check that this machine or workflow job has what Prism needs, and say what to fix', load: async () => (await import('./commands/doctor')).command as CommandSpec },
  example: { summary: 'run validate, synth and preview on the bundled example, offline', load: async () => (await import('./commands/example')).command as CommandSpec },
};

/** The names of every command (for tests and help). */
export const COMMAND_NAMES = Object.keys(COMMANDS);

/** Loads a command's declaration by name. */
export function loadCommand(name: string): Promise<CommandSpec> {
  return COMMANDS[name].load();
}

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `prism: GitOps for customer managed IAM policies across many AWS accounts

Usage: prism <command> [flags]

Commands:
${lines.join('\n')}

Run prism help <command> (or prism <command> --help) for a command's flags and examples.
See README.md for the repository format.`;
}

function unknownCommand(name: string): PrismError {
  const guess = closestMatch(name, COMMAND_NAMES);
  return usageError(`unknown command ${JSON.stringify(name)}${guess ? `; did you mean ${guess}?` : ''}`, 'prism --help lists the commands.');
}

const processIo: Io = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  get terminal() {
    return { stdout: streamOutput(process.stdout), stderr: streamOutput(process.stderr) };
  },
};

/** Runs the CLI and returns the exit code: 0 ok, 1 repository errors or failed accounts, 2 usage, 3 external failure, 4 internal. */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '--help' || name === '-h') {
      io.stdout(usage() + '\n');
      return name === undefined ? 2 : 0;
    }
    if (name === 'help') {
      if (rest.length === 0) {
        io.stdout(usage() + '\n');
        return 0;
      }
      if (!COMMANDS[rest[0]]) throw unknownCommand(rest[0]);
      io.stdout(helpText(await COMMANDS[rest[0]].load()) + '\n');
      return 0;
    }
    if (name === '--version' || name === '-v') {
      const { versionText } = await import('../pipeline/version');
      io.stdout(versionText() + '\n');
      return 0;
    }
    const command = COMMANDS[name];
    if (!command) throw unknownCommand(name);
    return await runCommand(await command.load(), rest, io);
  } catch (err) {
    return reportError(err, io);
  }
}

function reportError(err: unknown, io: Io): number {
  const paint = paintFor(io.terminal?.stderr ?? { color: false });
  if (err instanceof PrismError) {
    io.stderr(`${paint.error(`prism: ${err.kind === 'usage' ? '' : err.kind + ' error: '}`)}${err.message}\n`);
    if (err.options.hint) io.stderr(`  ${paint.dim('hint:')} ${err.options.hint}\n`);
    if (err.kind === 'external' && err.options.cause instanceof Error) io.stderr(`  cause: ${err.options.cause.message}\n`);
    return err.kind === 'usage' ? 2 : err.kind === 'external' ? 3 : 4;
  }
  io.stderr(`prism: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
  return 4;
}
