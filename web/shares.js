// NetDisk web page: share links (issue #20). A "Share" button per file and folder opens a small
// form (expiry, password, download limit, drop box); the list shows one's links with their use
// counts and state, each with a Revoke button. Calls /api/shares, /api/shares/create and
// /api/shares/revoke through app.js's api(); app.js calls shareButton() and loadShares().
'use strict';

const shareState = { path: null, folder: false };

// "7d", "12h", "30m", "90s" or plain seconds, as `netdisk share --expires` takes them.
function shareSeconds(text) {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (!match) return null;
  const unit = { '': 1, s: 1, m: 60, h: 3600, d: 86400 }[match[2]];
  const seconds = Number(match[1]) * unit;
  return seconds > 0 ? seconds : null;
}

function sharesSection() {
  let section = document.getElementById('shares');
  if (section) return section;
  section = document.createElement('section');
  section.id = 'shares';
  section.className = 'card';
  section.innerHTML = `
    <h2>Share links</h2>
    <form id="share-form" hidden>
      <p>Share <strong id="share-path"></strong></p>
      <div class="row">
        <label>Expires after <input id="share-expires" placeholder="7d" size="6"></label>
        <label>Password <input id="share-password" type="password" autocomplete="new-password"></label>
        <label>Max downloads <input id="share-max" type="number" min="1" size="5"></label>
        <label id="share-upload-row"><input id="share-upload-only" type="checkbox"> Drop box (upload only)</label>
      </div>
      <div class="row">
        <button id="share-create" type="submit">Create link</button>
        <button id="share-cancel" type="button" class="secondary">Cancel</button>
      </div>
    </form>
    <p id="share-url" class="status" hidden><a id="share-link" target="_blank" rel="noopener"></a></p>
    <table id="share-table">
      <thead><tr><th>Path</th><th>Kind</th><th class="num">Downloads</th><th class="date">Expires</th><th>State</th><th></th></tr></thead>
      <tbody id="share-rows"></tbody>
    </table>
    <p id="share-status" class="status" role="status"></p>`;
  document.getElementById('files').after(section);
  section.querySelector('#share-form').addEventListener('submit', createShare);
  section.querySelector('#share-cancel').addEventListener('click', () => { $('#share-form').hidden = true; });
  return section;
}

// Forgets the signed-in user's links and the last link shown (log out, another user).
function clearShares() {
  const section = document.getElementById('shares');
  if (!section) return;
  section.querySelector('#share-rows').replaceChildren();
  section.querySelector('#share-form').hidden = true;
  section.querySelector('#share-url').hidden = true;
  section.querySelector('#share-link').removeAttribute('href');
  section.querySelector('#share-link').textContent = '';
  section.querySelector('#share-password').value = '';
  setStatus(section.querySelector('#share-status'), '');
}

function shareButton(path, entry) {
  return actionButton('Share', () => openShareForm(path, entry.type === 'dir'));
}

function openShareForm(path, folder) {
  sharesSection();
  shareState.path = path;
  shareState.folder = folder;
  $('#share-path').textContent = path + (folder ? '/' : '');
  $('#share-upload-row').hidden = !folder;
  $('#share-upload-only').checked = false;
  $('#share-expires').value = '';
  $('#share-password').value = '';
  $('#share-max').value = '';
  $('#share-form').hidden = false;
  $('#share-expires').focus();
}

async function createShare(event) {
  event.preventDefault();
  const request = { path: shareState.path };
  const expires = $('#share-expires').value.trim();
  if (expires) {
    const seconds = shareSeconds(expires);
    if (!seconds) return setStatus($('#share-status'), 'Expiry: use 7d, 12h, 30m or seconds', true);
    request.expires_in = seconds;
  }
  if ($('#share-password').value) request.password = $('#share-password').value;
  if ($('#share-max').value) request.max_downloads = Number($('#share-max').value);
  if (shareState.folder && $('#share-upload-only').checked) request.upload_only = true;
  try {
    const link = await api('POST', '/api/shares/create', request);
    const url = location.origin + link.link;  // this page's own origin reaches the server
    $('#share-link').href = url;
    $('#share-link').textContent = url;
    $('#share-url').hidden = false;
    $('#share-form').hidden = true;
    setStatus($('#share-status'), 'Link created: copy it now, it is shown only once');
    loadShares();
  } catch (error) {
    setStatus($('#share-status'), error.message, true);
  }
}

function shareRow(link) {
  const row = document.createElement('tr');
  row.dataset.id = link.link_id;
  const cells = [link.path || '/', link.kind + (link.password ? ', password' : ''),
                 link.max_downloads ? link.downloads + ' / ' + link.max_downloads : String(link.downloads),
                 link.expires ? formatDate(link.expires) : 'never', link.state];
  for (const [i, text] of cells.entries()) {
    const cell = document.createElement('td');
    if (i === 2) cell.className = 'num';
    if (i === 3) cell.className = 'date';
    cell.textContent = text;
    row.append(cell);
  }
  const actions = document.createElement('td');
  actions.append(actionButton('Revoke', () => revokeShare(link.link_id), 'danger'));
  row.append(actions);
  return row;
}

async function loadShares() {
  sharesSection();
  try {
    const reply = await api('GET', '/api/shares');
    $('#share-rows').replaceChildren(...reply.links.map(shareRow));
  } catch (error) {
    setStatus($('#share-status'), error.message, true);
  }
}

async function revokeShare(id) {
  try {
    await api('POST', '/api/shares/revoke', { target: id });
    setStatus($('#share-status'), 'Link revoked');
    loadShares();
  } catch (error) {
    setStatus($('#share-status'), error.message, true);
  }
}
