import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseFlags } from '../args';
import { synthCommand } from './synth';
import { validateCommand } from './validate';

export const EXAMPLE_HELP = `prism example [--keep]

Runs the pipeline's main job on the bundled example organisation, offline, on embedded defaults:
validate, then synth, then the propagation preview of an example change. It works on a copy in a
temporary folder (a fresh git repository), so your checkout is never touched.

  --keep   keep the temporary folder and print its path`;

/** The bundled example: the repository's own user files. */
const EXAMPLE_ROOT = path.join(__dirname, '..', '..', '..');
const EXAMPLE_ITEMS = ['policies', 'permission-sets', 'assignments', 'cdktf.json'];

function heading(text: string): void {
  process.stdout.write(`\n=== ${text} ===\n\n`);
}

/** `prism example`. */
export async function exampleCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags(argv, { keep: { type: 'boolean' } });
  if (values.help) {
    process.stdout.write(EXAMPLE_HELP + '\n');
    return 0;
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'prism-example-'));
  try {
    for (const item of EXAMPLE_ITEMS) fs.cpSync(path.join(EXAMPLE_ROOT, item), path.join(work, item), { recursive: true });
    process.stdout.write(`prism example: working on a copy of the bundled organisation in ${work}\n`);

    heading('1. prism validate');
    const validated = await validateCommand(['--dir', work]);
    if (validated !== 0) return validated;

    heading('2. prism synth');
    const synthesized = await synthCommand(['--dir', work]);
    if (synthesized !== 0) return synthesized;
    const stacks = fs.readdirSync(path.join(work, 'cdktf.out', 'stacks'));
    process.stdout.write(`${stacks.length} stacks in cdktf.out/stacks: ${stacks.join(', ')}\n`);

    const { runExampleChange } = await import('./example-change');
    return await runExampleChange(work, heading);
  } finally {
    if (values.keep) process.stdout.write(`\nkept ${work}\n`);
    else fs.rmSync(work, { recursive: true, force: true });
  }
}
