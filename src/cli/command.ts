/**
 * Commands are declarations: flags (each with its help), positionals, examples and exit codes,
 * plus one function that calls a use case and prints. This module parses argv against a
 * declaration, answers --help from it, and turns every problem with the command line into a usage
 * error that names the flag (with a "did you mean").
 */
import { parseArgs } from 'node:util';
import { usageError } from '../core/errors';
import { closestMatch } from '../core/suggest';
import type { TerminalOutput } from './terminal';

/** One flag of a command. */
export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  /** May be given more than once (values collect in a list). */
  readonly multiple?: boolean;
  /** How the value is shown in help, e.g. REF or N. */
  readonly value?: string;
  readonly description: string;
  /** The command cannot run without it: a usage error names it. @default false */
  readonly required?: boolean;
}

/** A command's positional argument. */
export interface PositionalSpec {
  readonly name: string;
  readonly description: string;
  /** @default true */
  readonly required?: boolean;
}

/** The values of a command's flags, typed from its declaration. */
export type FlagValues<F extends Record<string, FlagSpec>> = {
  readonly [K in keyof F]?: F[K]['type'] extends 'boolean' ? boolean : F[K]['multiple'] extends true ? string[] : string;
};

/** Where a command writes: stdout is the command's data, stderr its news. */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  /** What each stream can do (colour, redrawing); absent: plain text, as in a pipe. */
  readonly terminal?: { readonly stdout: TerminalOutput; readonly stderr: TerminalOutput };
}

/** A command: what the CLI knows of it, and what it runs. */
export interface CommandSpec<F extends Record<string, FlagSpec> = Record<string, FlagSpec>> {
  readonly name: string;
  /** One line for `prism --help`. */
  readonly summary: string;
  /** Synopsis lines, without the leading `prism `. */
  readonly usage: readonly string[];
  /** What the command does, in a few lines. */
  readonly description: string;
  readonly flags: F;
  readonly positional?: PositionalSpec;
  readonly examples: readonly { readonly command: string; readonly description: string }[];
  /** Exit codes, one per line, e.g. "0 every account planned". */
  readonly exitCodes: readonly string[];
  run(input: { readonly flags: FlagValues<F>; readonly positionals: readonly string[] }, io: Io): Promise<number>;
}

/** Declares a command (keeps its flag types). */
export function defineCommand<F extends Record<string, FlagSpec>>(spec: CommandSpec<F>): CommandSpec<F> {
  return spec;
}

const HELP_FLAG: FlagSpec = { type: 'boolean', description: 'show this help' };

/** The command's help text, generated from its declaration. */
export function helpText(spec: CommandSpec): string {
  const flags = Object.entries({ ...spec.flags, help: HELP_FLAG }).map(([name, f]) => [`${name === 'help' ? '-h, ' : '    '}--${name}${f.value ? ` ${f.value}` : ''}`, f.description + (f.required ? ' (required)' : '') + (f.multiple ? ' (repeatable)' : '')]);
  const width = Math.max(...flags.map(([l]) => l.length)) + 2;
  const lines = [`prism ${spec.name}: ${spec.summary}`, '', 'Usage:', ...spec.usage.map((u) => `  prism ${u}`), '', spec.description.trim(), ''];
  if (spec.positional) lines.push('Arguments:', `  <${spec.positional.name}>  ${spec.positional.description}`, '');
  lines.push('Flags:', ...flags.map(([l, d]) => `  ${l.padEnd(width)}${d}`), '');
  if (spec.examples.length) {
    lines.push('Examples:');
    for (const e of spec.examples) lines.push(`  prism ${e.command}`, `      ${e.description}`);
    lines.push('');
  }
  lines.push('Exit codes:', ...spec.exitCodes.map((c) => `  ${c}`));
  return lines.join('\n');
}

/** Parses argv against the declaration; every problem is a usage error naming the flag. */
export function parseCommandLine<F extends Record<string, FlagSpec>>(spec: CommandSpec<F>, argv: readonly string[]): { help: boolean; flags: FlagValues<F>; positionals: string[] } {
  const options = Object.fromEntries(Object.entries({ ...spec.flags, help: HELP_FLAG }).map(([name, f]) => [name, { type: f.type, ...(f.multiple ? { multiple: true } : {}), ...(name === 'help' ? { short: 'h' } : {}) }]));
  // name a bad flag ourselves: node's messages are about "options" and say nothing of near misses
  for (const arg of argv) {
    if (arg === '--') break;
    const m = /^--([^=]+)/.exec(arg);
    if (m && !(m[1] in options)) {
      const guess = closestMatch(m[1], Object.keys(options));
      throw usageError(`unknown flag --${m[1]} for ${spec.name}${guess ? `; did you mean --${guess}?` : ''}`, `prism ${spec.name} --help lists its flags.`);
    }
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options: options as never, allowPositionals: true, strict: true });
  } catch (err) {
    const message = (err as Error).message.split('\n')[0];
    const flag = /'(--[\w-]+)/.exec(message)?.[1];
    if (flag && /argument missing|requires an argument/i.test(message)) throw usageError(`${flag} needs a value${spec.flags[flag.slice(2)]?.value ? ` (${spec.flags[flag.slice(2)].value})` : ''}`);
    throw usageError(`${spec.name}: ${message.replace(/^Option /, 'flag ')}`);
  }
  const values = parsed.values as Record<string, unknown>;
  const positionals = parsed.positionals;
  if (values.help) return { help: true, flags: values as FlagValues<F>, positionals };
  for (const [name, f] of Object.entries(spec.flags)) {
    if (f.required && values[name] === undefined) throw usageError(`prism ${spec.name} needs --${name}${f.value ? ` ${f.value}` : ''}: ${f.description}`, `prism ${spec.name} --help lists its flags and examples.`);
  }
  if (!spec.positional && positionals.length) throw usageError(`${spec.name} takes no arguments; got ${JSON.stringify(positionals[0])}`, `prism ${spec.name} --help lists its flags.`);
  if (spec.positional) {
    if (positionals.length === 0 && spec.positional.required !== false) throw usageError(`${spec.name} needs <${spec.positional.name}>: ${spec.positional.description}`);
    if (positionals.length > 1) throw usageError(`${spec.name} takes one <${spec.positional.name}>; got ${positionals.length}`);
  }
  return { help: false, flags: values as FlagValues<F>, positionals };
}

/** Runs a command from argv: --help prints the generated help; anything else goes to the command. */
export async function runCommand(spec: CommandSpec, argv: readonly string[], io: Io): Promise<number> {
  const { help, flags, positionals } = parseCommandLine(spec, argv);
  if (help) {
    io.stdout(helpText(spec) + '\n');
    return 0;
  }
  return spec.run({ flags, positionals }, io);
}
