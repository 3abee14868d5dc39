/** Plain-text formatting of times and durations for the dashboard (escaped where they are written). */

// the rollouts of a wave share their start time: formatting each distinct time once saves most of the work
const formatted = new Map<number, string>();

/** "2026-10-05 09:12:07 UTC", or "-" for an unknown time. */
export function formatTime(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  let s = formatted.get(ms);
  if (s === undefined) {
    if (formatted.size > 10_000) formatted.clear();
    s = new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
    formatted.set(ms, s);
  }
  return s;
}

/** The ISO form for a <time datetime>, or undefined. */
export function isoTime(ms: number): string | undefined {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/** "850 ms", "42 s", "3 min 12 s", "2 h 05 min", "3 d 4 h"; "-" when unknown or negative. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** The first 12 characters of a commit. */
export function shortSha(commit: string): string {
  return commit.slice(0, 12);
}
