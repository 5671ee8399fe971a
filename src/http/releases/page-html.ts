// The releases page: a table filled by PAGE_SCRIPT from /releases/data, refreshed every two seconds.
export const PAGE_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Capstan releases</title>
<style>
body{font:14px system-ui,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #ddd;padding:.35em .5em;text-align:left;vertical-align:top}
th{background:#f4f4f4}.True{color:#176f2c;font-weight:600}.False{color:#b00020;font-weight:600}.Unknown{color:#8a6d00}
.failure{color:#b00020;max-width:32em;white-space:pre-wrap;word-break:break-word}.muted{color:#777}
</style></head><body>
<h1>Capstan releases</h1>
<p class="muted">Every HelmRelease the operator watches. <a href="/dashboard">Queue dashboard</a> · updated <span id="updated">never</span></p>
<table><thead><tr><th>Release</th><th>Phase</th><th>Ready</th><th>Revision</th><th>Chart</th><th>Version</th>
<th>Last run</th><th>Last failure</th><th>Queue</th><th>Jobs</th></tr></thead><tbody id="rows"></tbody></table>
<script src="/releases/app.js"></script>
</body></html>
`;

// The page's script: fetch the rows, render them with textContent only (names and messages are never HTML).
export const PAGE_SCRIPT = `'use strict';
function cell(tr, text, cls) { const td = document.createElement('td'); td.textContent = text; if (cls) td.className = cls; tr.appendChild(td); return td; }
function render(rows) {
  const body = document.getElementById('rows');
  body.replaceChildren();
  for (const r of rows) {
    const tr = document.createElement('tr');
    tr.dataset.release = r.namespace + '/' + r.name;
    cell(tr, r.namespace + '/' + r.name);
    cell(tr, r.phase).dataset.field = 'phase';
    const ready = cell(tr, r.ready.status + (r.ready.reason ? ' (' + r.ready.reason + ')' : ''), r.ready.status);
    ready.dataset.field = 'ready'; ready.title = r.ready.message;
    cell(tr, r.revision);
    cell(tr, r.chart);
    cell(tr, r.version);
    cell(tr, r.lastRun ? r.lastRun.reason + ' → ' + r.lastRun.outcome + ' in ' + r.lastRun.seconds.toFixed(1) + ' s at ' + r.lastRun.at : '', 'muted');
    cell(tr, r.lastFailure ? r.lastFailure.at + ': ' + r.lastFailure.message : '', 'failure').dataset.field = 'failure';
    cell(tr, r.queue ? r.queue.state + ' (attempt ' + r.queue.attempt + ')' : 'idle').dataset.field = 'queue';
    const jobs = cell(tr, '');
    for (const j of r.jobs) { const a = document.createElement('a'); a.href = j.link; a.textContent = '#' + j.id + ' ' + j.state; a.title = 'job ' + j.id + ' in the dashboard'; jobs.appendChild(a); jobs.appendChild(document.createTextNode(' ')); }
    body.appendChild(tr);
  }
  document.getElementById('updated').textContent = new Date().toLocaleTimeString();
}
async function refresh() {
  try { const res = await fetch("/releases/data", { credentials: 'same-origin' }); if (res.ok) render(await res.json()); } catch {}
  setTimeout(refresh, 2000);
}
refresh();
`;
