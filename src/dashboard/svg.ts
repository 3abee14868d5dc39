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

const xsByWidth = new Map<number, string[]>();
/** The x of each point of a completion curve, as text: point i is at i/CURVE_POINTS of the plot. */
function curveXs(width: number): string[] {
  let xs = xsByWidth.get(width);
  if (!xs) xsByWidth.set(width, (xs = Array.from({ length: CURVE_POINTS + 1 }, (_, i) => n1((i / CURVE_POINTS) * (width - 2) + 1))));
  return xs;
}

const ysByPlot = new Map<number, string[]>();
/** Every y a curve can take, in tenths, as text (n1 of it). */
function curveYs(plot: number): string[] {
  let ys = ysByPlot.get(plot);
  if (!ys) ysByPlot.set(plot, (ys = Array.from({ length: plot * 10 + 1 }, (_, t) => (t / 10).toString())));
  return ys;
}

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

/** The times of one wave's rollouts, as columns (see `PolicyRollouts.waveTimes`). */
export interface WaveTimes {
  readonly size: number;
  /** ms since the epoch; not finite when unknown */
  readonly start: Float64Array;
  /** ms since the epoch; NaN while PENDING */
  readonly end: Float64Array;
  /** which rollouts FAILED */
  readonly failed: (i: number) => boolean;
  /** the rollouts themselves (asked for only when the wave is small enough to draw one bar each) */
  readonly rollouts: () => readonly RolloutView[];
}

/**
 * How long the accounts of one wave took. Up to GANTT_MAX_ACCOUNTS accounts: one bar per account
 * from its start to its end (a pending one is drawn hatched to the wave's end). Above that: the share
 * of accounts finished over time since the wave started, failed ones drawn in red.
 */
export function waveTimeline(wave: WaveTimes, options: { id: string; width?: number }): string {
  const width = options.width ?? 360;
  const n = wave.size;
  let t0 = Infinity;
  let t1 = -Infinity;
  // typed arrays sort numerically in native code: waves of thousands of accounts stay cheap
  const durations = new Float64Array(n);
  const endsAll = new Float64Array(n);
  const endsFailed = new Float64Array(n);
  let nd = 0;
  let ns = 0;
  let nf = 0;
  for (let i = 0; i < n; i++) {
    const s = wave.start[i];
    const e = wave.end[i];
    if (Number.isFinite(s)) {
      if (s < t0) t0 = s;
      if (s > t1) t1 = s;
    }
    if (Number.isFinite(e)) {
      endsAll[ns++] = e;
      if (e > t1) t1 = e;
      if (wave.failed(i)) endsFailed[nf++] = e;
      if (Number.isFinite(s)) durations[nd++] = e - s;
    }
  }
  if (t0 === Infinity) return '';
  t1 = Math.max(t1, t0 + 1);
  const span = t1 - t0;
  const x = (t: number) => ((t - t0) / span) * (width - 2) + 1;
  const sortedDurations = durations.subarray(0, nd).sort();
  const pct = (q: number) => sortedDurations[Math.min(nd - 1, Math.floor(q * nd))];
  const pending = n - ns;
  const summary = nd
    ? `${n} account(s) over ${formatDuration(span)}: half finished within ${formatDuration(pct(0.5))}, the slowest took ${formatDuration(sortedDurations[nd - 1])}${nf ? `; ${nf} failed` : ''}${pending ? `; ${pending} still pending` : ''}`
    : `${n} account(s), none finished yet`;
  const title = `<title id="${options.id}">${escapeHtml(summary)}</title>`;

  if (n <= GANTT_MAX_ACCOUNTS) {
    const rollouts = wave.rollouts();
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
  // the points' x are the same for every wave of this width, and y takes few values: both as ready text
  const xs = curveXs(width);
  const ys = curveYs(plot);
  const curve = (sortedEnds: Float64Array) => {
    let pts = `1,${plot}`;
    let k = 0;
    for (let i = 1; i <= CURVE_POINTS; i++) {
      const t = t0 + (span * i) / CURVE_POINTS;
      while (k < sortedEnds.length && sortedEnds[k] <= t) k++;
      pts += ` ${xs[i]},${ys[Math.round((plot - (k / n) * plot) * 10)]}`;
    }
    return pts;
  };
  const failedLine = nf ? `<polyline points="${curve(endsFailed.subarray(0, nf).sort())}" fill="none" stroke="${FILL.FAILED}" stroke-width="2"/>` : '';
  const axis = `<text x="1" y="${height - 2}">0</text><text x="${width - 1}" y="${height - 2}" text-anchor="end">${escapeHtml(formatDuration(span))}</text><line x1="0" y1="${plot}" x2="${width}" y2="${plot}" stroke="#57606a"/>`;
  return `<svg class="timeline" role="img" aria-labelledby="${options.id}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">${title}<polyline points="${curve(endsAll.subarray(0, ns).sort())} ${n1(x(t1))},${plot}" fill="${FILL.SUCCESS}" fill-opacity="0.35" stroke="${FILL.SUCCESS}" stroke-width="2"/>${failedLine}${axis}</svg>`;
}
