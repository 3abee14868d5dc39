import { RolloutStatus } from '../model/rollout';
import { RolloutView, StatusCounts } from './aggregate';
import { formatDuration } from './format';
import { escapeHtml } from './html';

/**
 * Inline SVG pictures, sized by their content and never by the data volume: the status bar is
 * three rectangles; a wave timeline draws one bar per account up to GANTT_MAX_ACCOUNTS, and above
 * that a completion curve of at most CURVE_POINTS points.
 */

/** Most accounts a wave timeline draws one bar each for; larger waves get a completion curve. */
export const GANTT_MAX_ACCOUNTS = 40;
const CURVE_POINTS = 120;

/** Fill colours with at least 3:1 contrast against white (WCAG non-text contrast). */
const FILL: Record<RolloutStatus, string> = { SUCCESS: '#1a7f37', PENDING: '#9a6700', FAILED: '#cf222e' };

const n1 = (x: number) => (Math.round(x * 10) / 10).toString();

/** A horizontal bar of accounts by status, with its numbers in the accessible name. */
export function statusBar(counts: StatusCounts, options: { width?: number; height?: number; id: string }): string {
  const width = options.width ?? 600;
  const height = options.height ?? 16;
  const total = counts.SUCCESS + counts.PENDING + counts.FAILED;
  const label = total
    ? `${total} account(s): ${counts.SUCCESS} success, ${counts.PENDING} pending, ${counts.FAILED} failed`
    : 'no rollouts recorded';
  let x = 0;
  const rects: string[] = [];
  for (const s of ['SUCCESS', 'PENDING', 'FAILED'] as const) {
    if (!counts[s]) continue;
    const w = (counts[s] / total) * width;
    rects.push(`<rect x="${n1(x)}" y="0" width="${n1(w)}" height="${height}" fill="${FILL[s]}"><title>${escapeHtml(`${counts[s]} ${s.toLowerCase()}`)}</title></rect>`);
    x += w;
  }
  if (!total) rects.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#eaeef2"/>`);
  return `<svg class="bar" role="img" aria-labelledby="${options.id}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" preserveAspectRatio="none"><title id="${options.id}">${escapeHtml(label)}</title>${rects.join('')}</svg>`;
}

/**
 * How long the accounts of one wave took. Up to GANTT_MAX_ACCOUNTS accounts: one bar per account
 * from its start to its end (a pending one is drawn hatched to the wave's end). Above that: the share
 * of accounts finished over time since the wave started, failed ones drawn in red.
 */
export function waveTimeline(rollouts: readonly RolloutView[], options: { id: string; width?: number }): string {
  const width = options.width ?? 360;
  let t0 = Infinity;
  let t1 = -Infinity;
  const durations: number[] = [];
  const settled: RolloutView[] = [];
  for (const r of rollouts) {
    if (Number.isFinite(r.startedAt)) {
      if (r.startedAt < t0) t0 = r.startedAt;
      if (r.startedAt > t1) t1 = r.startedAt;
    }
    if (Number.isFinite(r.endedAt)) {
      settled.push(r);
      if (r.endedAt > t1) t1 = r.endedAt;
      if (Number.isFinite(r.startedAt)) durations.push(r.endedAt - r.startedAt);
    }
  }
  if (t0 === Infinity) return '';
  t1 = Math.max(t1, t0 + 1);
  const span = t1 - t0;
  const x = (t: number) => ((t - t0) / span) * (width - 2) + 1;
  durations.sort((a, b) => a - b);
  const pct = (q: number) => durations[Math.min(durations.length - 1, Math.floor(q * durations.length))];
  const failed = settled.filter((r) => r.status === 'FAILED').length;
  const pending = rollouts.length - settled.length;
  const summary = durations.length
    ? `${rollouts.length} account(s) over ${formatDuration(span)}: half finished within ${formatDuration(pct(0.5))}, the slowest took ${formatDuration(durations[durations.length - 1])}${failed ? `; ${failed} failed` : ''}${pending ? `; ${pending} still pending` : ''}`
    : `${rollouts.length} account(s), none finished yet`;
  const title = `<title id="${options.id}">${escapeHtml(summary)}</title>`;

  if (rollouts.length <= GANTT_MAX_ACCOUNTS) {
    const row = 9;
    const height = rollouts.length * row + 14;
    const sorted = [...rollouts].sort((a, b) => a.startedAt - b.startedAt || (a.endedAt || t1) - (b.endedAt || t1) || (a.account < b.account ? -1 : 1));
    const bars = sorted.map((r, i) => {
      const start = Number.isFinite(r.startedAt) ? r.startedAt : t0;
      const end = Number.isFinite(r.endedAt) ? r.endedAt : t1;
      const w = Math.max(2, x(end) - x(start));
      const took = Number.isFinite(r.endedAt) ? `took ${formatDuration(r.endedAt - start)}` : 'still pending';
      const fill = r.status === 'PENDING' ? `url(#${options.id}-hatch)` : FILL[r.status];
      return `<rect x="${n1(x(start))}" y="${i * row}" width="${n1(w)}" height="${row - 2}" fill="${fill}"><title>${escapeHtml(`${r.account}: ${r.status}, ${took}`)}</title></rect>`;
    });
    const axis = `<text x="1" y="${height - 2}">0</text><text x="${width - 1}" y="${height - 2}" text-anchor="end">${escapeHtml(formatDuration(span))}</text>`;
    const defs = sorted.some((r) => r.status === 'PENDING')
      ? `<defs><pattern id="${options.id}-hatch" width="4" height="4" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="2" height="4" fill="${FILL.PENDING}"/></pattern></defs>`
      : '';
    return `<svg class="timeline" role="img" aria-labelledby="${options.id}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${title}${defs}${bars.join('')}${axis}</svg>`;
  }

  // the share of accounts finished over time: at most CURVE_POINTS points whatever the wave's size
  const height = 60;
  const plot = height - 14;
  const endsAll = settled.map((r) => r.endedAt).sort((a, b) => a - b);
  const endsFailed = settled.filter((r) => r.status === 'FAILED').map((r) => r.endedAt).sort((a, b) => a - b);
  const curve = (sortedEnds: number[]) => {
    const pts: string[] = [`1,${plot}`];
    let k = 0;
    for (let i = 1; i <= CURVE_POINTS; i++) {
      const t = t0 + (span * i) / CURVE_POINTS;
      while (k < sortedEnds.length && sortedEnds[k] <= t) k++;
      pts.push(`${n1(x(t))},${n1(plot - (k / rollouts.length) * plot)}`);
    }
    return pts.join(' ');
  };
  const failedLine = endsFailed.length ? `<polyline points="${curve(endsFailed)}" fill="none" stroke="${FILL.FAILED}" stroke-width="2"/>` : '';
  const axis = `<text x="1" y="${height - 2}">0</text><text x="${width - 1}" y="${height - 2}" text-anchor="end">${escapeHtml(formatDuration(span))}</text><line x1="0" y1="${plot}" x2="${width}" y2="${plot}" stroke="#57606a"/>`;
  return `<svg class="timeline" role="img" aria-labelledby="${options.id}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${title}<polyline points="${curve(endsAll)} ${n1(x(t1))},${plot}" fill="${FILL.SUCCESS}" fill-opacity="0.35" stroke="${FILL.SUCCESS}" stroke-width="2"/>${failedLine}${axis}</svg>`;
}
