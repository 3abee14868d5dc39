import { RolloutRow } from '../model/rollout';
import { RolloutAggregate } from './aggregate';
import { renderSite, RenderOptions, SiteDocuments, SitePage, SitePart } from './render';

/** A built dashboard: what the ledger held, and the site's files, rendered one at a time on demand. */
export interface Dashboard {
  readonly aggregate: RolloutAggregate;
  readonly pages: Iterable<SitePage>;
}

/**
 * Builds the rollout dashboard from ledger rows and the repository's documents (names,
 * descriptions, permission sets, assignments). Pure: it reads no file; rows are folded in as they
 * come (any order, any source) and never kept, and pages are rendered lazily.
 */
export function buildDashboard(rows: Iterable<RolloutRow>, documents: SiteDocuments, options: RenderOptions): Dashboard {
  return buildDashboardFrom(new RolloutAggregate().addAll(rows), documents, options);
}

/** The same, from rows already folded (for a caller that reads the ledger a file at a time); `part`: only some of the pages. */
export function buildDashboardFrom(aggregate: RolloutAggregate, documents: SiteDocuments, options: RenderOptions, part: SitePart = 'all'): Dashboard {
  return { aggregate, pages: { [Symbol.iterator]: () => renderSite(aggregate, documents, options, part) } };
}
