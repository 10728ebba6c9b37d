// NetDisk web page: the signed-in user's storage against their quota (GET /api/df,
// docs/HTTP.md): a small bar and "Used X of Y (Z free)". Loaded before app.js, whose helpers
// ($, api, formatSize, state) it uses when called; app.js calls loadUsage() whenever it shows
// a folder (after uploads, deletes and renames too) and hides the bar on sign-out.
'use strict';

function usageText(usage) {
  const used = 'Used ' + formatSize(usage.used);
  if (usage.quota === null) return used + ' (no quota)';
  return used + ' of ' + formatSize(usage.quota) + ' (' + formatSize(usage.free) + ' free)';
}

async function loadUsage() {
  const epoch = state.epoch;
  let usage;
  try { usage = await api('GET', '/api/df'); } catch (_) { return; }  // the listing says why
  if (epoch !== state.epoch) return;  // signed out meanwhile
  const meter = $('#usage-meter');
  // Without a quota there is no whole to fill: the bar stays empty, the text says so.
  meter.value = usage.quota ? Math.min(1, (usage.used + usage.reserved) / usage.quota) : 0;
  meter.title = usage.used + ' bytes used';
  $('#usage-text').textContent = usageText(usage);
  $('#usage').hidden = false;
}
