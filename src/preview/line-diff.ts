/** A unified diff (with `context` lines around changes) of two texts, line by line; '' when equal. */
export function unifiedDiff(before: string, after: string, options: { context?: number; fromLabel?: string; toLabel?: string } = {}): string {
  if (before === after) return '';
  // an empty text has no lines (a created or deleted file), not one empty line
  const a = before === '' ? [] : before.split('\n');
  const b = after === '' ? [] : after.split('\n');
  const context = options.context ?? 3;
  // longest common subsequence table (documents are at most a few hundred lines)
  const n = a.length;
  const m = b.length;
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const ops: { op: ' ' | '-' | '+'; line: string; ai: number; bi: number }[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) ops.push({ op: ' ', line: a[i], ai: i++, bi: j++ });
    else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) ops.push({ op: '-', line: a[i], ai: i++, bi: j });
    else ops.push({ op: '+', line: b[j], ai: i, bi: j++ });
  }
  // group into hunks
  const out = [`--- ${options.fromLabel ?? 'before'}`, `+++ ${options.toLabel ?? 'after'}`];
  let k = 0;
  while (k < ops.length) {
    while (k < ops.length && ops[k].op === ' ') k++;
    if (k >= ops.length) break;
    let start = Math.max(0, k - context);
    let end = k;
    for (;;) {
      while (end < ops.length && ops[end].op !== ' ') end++;
      let next = end;
      while (next < ops.length && ops[next].op === ' ') next++;
      if (next < ops.length && next - end <= 2 * context) end = next;
      else {
        end = Math.min(ops.length, end + context);
        break;
      }
    }
    const hunk = ops.slice(start, end);
    const aLen = hunk.filter((o) => o.op !== '+').length;
    const bLen = hunk.filter((o) => o.op !== '-').length;
    // an empty side starts at line 0, as diff -u writes it
    out.push(`@@ -${aLen ? hunk[0].ai + 1 : 0},${aLen} +${bLen ? hunk[0].bi + 1 : 0},${bLen} @@`);
    for (const o of hunk) out.push(o.op + o.line);
    k = end;
    start = end;
  }
  return out.join('\n');
}
