/** The dashboard's stylesheet and its one small, optional script. Both ship with the site: no CDN, no web fonts. */

const EVENTS = ['CREATE', 'ADOPT', 'EDIT', 'ATTACH', 'DETACH', 'DELETE'];
const POLICY_FILTERS = ['failed', 'pending', 'ok', 'none'];

/** assets/style.css. Colours meet WCAG AA contrast (4.5:1 for text) on their backgrounds. */
export const STYLE_CSS = `:root{color-scheme:light;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--bg:#ffffff;--soft:#f6f8fa;--link:#0550ae;--focus:#0969da;
--ok-fg:#116329;--ok-bg:#dafbe1;--pend-fg:#7d4e00;--pend-bg:#fff8c5;--fail-fg:#a40e26;--fail-bg:#ffebe9}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--fg);background:var(--bg)}
a{color:var(--link)}
a:focus-visible,input:focus-visible,summary:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-9999px;top:0;background:var(--bg);padding:.5em}
.skip:focus{left:.5em}
header.site{background:#24292f;color:#fff;padding:.6em 1.5em}
header.site a{color:#fff;font-weight:600;text-decoration:none}
main{padding:1em 1.5em 3em;max-width:1400px}
h1{font-size:1.6em;margin:.4em 0 .2em}
h2{font-size:1.25em;margin:1.6em 0 .4em;border-bottom:1px solid var(--line);padding-bottom:.2em}
.crumbs{font-size:.9em;color:var(--muted)}
.muted,.desc{color:var(--muted)}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,"Liberation Mono",monospace;font-size:.92em}
pre{background:var(--soft);border:1px solid var(--line);padding:.6em .8em;overflow-x:auto}
table{border-collapse:collapse;width:100%;margin:.4em 0}
caption{text-align:left;font-weight:600;padding:.3em 0}
th,td{border-bottom:1px solid var(--line);padding:.35em .5em;text-align:left;vertical-align:top}
thead th{background:var(--soft);position:sticky;top:0}
tbody th{font-weight:600}
td.err{max-width:40em;white-space:pre-wrap;overflow-wrap:anywhere;font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85em}
.badge{display:inline-block;padding:0 .45em;border-radius:1em;font-size:.85em;font-weight:600;white-space:nowrap}
.SUCCESS{color:var(--ok-fg);background:var(--ok-bg)}
.PENDING{color:var(--pend-fg);background:var(--pend-bg)}
.FAILED{color:var(--fail-fg);background:var(--fail-bg)}
.chips{display:flex;gap:.5em;flex-wrap:wrap;margin:.3em 0;padding:0;list-style:none}
.chips li{padding:.1em .7em;border-radius:1em;font-weight:600}
.chips li.zero{color:var(--muted);background:var(--soft)}
td .chips{gap:.25em}
td .chips li{padding:0 .5em;font-size:.85em}
svg{max-width:100%;height:auto;display:block}
svg text{font-size:10px;fill:#24292f;font-family:system-ui,sans-serif}
svg.bar{margin:.3em 0}
td svg.bar{width:140px}
.retry{border:2px solid var(--fail-fg);background:var(--fail-bg);padding:.6em 1em;margin:.8em 0;border-radius:6px}
.retry h3{margin:.1em 0 .3em;color:var(--fail-fg)}
.retry pre{background:var(--bg)}
fieldset.filters{border:1px solid var(--line);padding:.3em .8em;margin:.5em 0;display:flex;flex-wrap:wrap;gap:.2em 1.2em}
fieldset.filters legend{font-weight:600;padding:0 .3em}
fieldset.filters label{white-space:nowrap;cursor:pointer}
nav.views ul,nav.pages ul{list-style:none;padding:0;margin:.4em 0;display:flex;flex-wrap:wrap;gap:.4em}
nav.views a,nav.pages a{display:inline-block;padding:.15em .7em;border:1px solid var(--line);border-radius:6px;text-decoration:none}
nav.views a[aria-current],nav.pages a[aria-current]{background:var(--fg);color:var(--bg);border-color:var(--fg)}
.search{margin:.5em 0}
.search input{font:inherit;padding:.2em .4em;min-width:18em}
tr.nomatch{display:none}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em;margin:.5em 0}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0}
.note{font-size:.9em;color:var(--muted)}
${POLICY_FILTERS.map((f) => `.fx:has(#show-${f}:checked) tbody tr:not(.${f})`).join(',\n')}{display:none}
${EVENTS.map((e) => `.fx:has(#ev-${e}:checked) tbody tr:not(.ev-${e})`).join(',\n')}{display:none}
${['success', 'failed', 'pending'].map((st) => `.fx:has(#st-${st}:checked) #rollouts tbody tr:not(.${st})`).join(',\n')}{display:none}
@media print{header.site,.skip,fieldset.filters,.search{display:none}}
`;

/**
 * assets/filter.js: a search box over table rows (by policy name or account). Progressive
 * enhancement only: the box is hidden until this runs, and every page works without it.
 */
export const FILTER_JS = `'use strict';
document.querySelectorAll('[data-search]').forEach(function (box) {
  var input = box.querySelector('input');
  var status = box.querySelector('[role=status]');
  var rows = document.querySelectorAll(box.getAttribute('data-search'));
  box.hidden = false;
  input.addEventListener('input', function () {
    var q = input.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (r) {
      var key = r.getAttribute('data-key') || r.cells[0].textContent.toLowerCase();
      var hit = !q || key.indexOf(q) !== -1;
      r.classList.toggle('nomatch', !hit);
      if (hit) shown++;
    });
    status.textContent = q ? shown + ' row(s) match' : '';
  });
});
`;
