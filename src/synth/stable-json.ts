/**
 * The text cdktf writes for a stack: json-stable-stringify (sorted keys) with a 2-space indent. Synth
 * composes account stacks from fragments cdktf synthesised, so it writes that same text itself:
 * `stableJson` renders a value at a nesting level, and `stableObject` joins already rendered members,
 * so a fragment rendered once is spliced into every account that uses it. A test compares the result
 * with cdktf's own, byte for byte.
 */

const SPACE = '  ';
const indents: string[] = [];

/** The line break and indent of a member at `level`. */
function indent(level: number): string {
  return (indents[level] ??= '\n' + SPACE.repeat(level));
}

/** Renders `value` as it appears at nesting `level` (0 for a whole document). Undefined members are left out, as JSON.stringify does. */
export function stableJson(value: unknown, level = 0): string | undefined {
  if (value === undefined || typeof value === 'function') return undefined;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const inner = indent(level + 1);
  let out = '';
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + inner + (stableJson(value[i], level + 1) ?? 'null');
    return `[${out}${indent(level)}]`;
  }
  let first = true;
  for (const key of Object.keys(value).sort()) {
    const member = stableJson((value as Record<string, unknown>)[key], level + 1);
    if (member === undefined) continue;
    out += (first ? '' : ',') + inner + JSON.stringify(key) + ': ' + member;
    first = false;
  }
  return `{${out}${indent(level)}}`;
}

/** An object at `level` from members already rendered at `level + 1`, as [key, text]; sorts them by key. */
export function stableObject(members: [string, string][], level: number): string {
  members.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const inner = indent(level + 1);
  let out = '';
  for (let i = 0; i < members.length; i++) out += (i ? ',' : '') + inner + JSON.stringify(members[i][0]) + ': ' + members[i][1];
  return `{${out}${indent(level)}}`;
}
