// NetDisk web page: the trash view (list, restore, delete for good, empty) and a file's
// versions (list, restore), issue #20. Loaded after app.js and uses its helpers (api, $,
// actionButton, formatSize, formatDate, setStatus, state, navigate); app.js calls the few
// hooks in `trashUi` (refresh after a change, show a file's versions, clear on log out).
'use strict';

const trashUi = (() => {
  function cell(className, text) {
    const td = document.createElement('td');
    td.className = className;
    td.textContent = text;
    return td;
  }

  function trashRow(entry) {
    const row = document.createElement('tr');
    row.dataset.id = entry.id;
    const actions = cell('actions', '');
    actions.append(actionButton('Restore', () => restore(entry)));
    actions.append(actionButton('Delete for good', () => deleteForGood(entry), 'danger'));
    row.append(cell('name', entry.path + (entry.type === 'dir' ? '/' : '')),
      cell('num', formatSize(entry.size)), cell('date', formatDate(entry.removed)), actions);
    return row;
  }

  async function refresh() {
    const epoch = state.epoch;
    try {
      const answer = await api('GET', '/api/trash');
      if (epoch !== state.epoch) return;
      $('#trash-rows').replaceChildren(...answer.entries.map(trashRow));
      setStatus($('#trash-status'), answer.entries.length ? '' : 'The trash is empty.');
    } catch (error) {
      if (epoch === state.epoch) setStatus($('#trash-status'), error.message, true);
    }
  }

  // Runs one change, then shows the trash and the folder again, or the error.
  async function change(request) {
    const epoch = state.epoch;
    try {
      await request();
    } catch (error) {
      if (epoch === state.epoch) setStatus($('#trash-status'), error.message, true);
      return;
    }
    if (epoch !== state.epoch) return;
    refresh();
    navigate(state.path);
  }

  // Never overwrites: when the name is taken the server says so, and the page asks for another.
  async function restore(entry) {
    try {
      await api('POST', '/api/trash/restore', { name: entry.id });
    } catch (error) {
      if (error.code !== 'already_exists') { setStatus($('#trash-status'), error.message, true); return; }
      const to = window.prompt(entry.path + ' exists. Restore it as:', entry.path + ' (restored)');
      if (!to) return;
      await change(() => api('POST', '/api/trash/restore', { name: entry.id, to }));
      return;
    }
    refresh();
    navigate(state.path);
  }

  async function deleteForGood(entry) {
    if (!window.confirm('Delete ' + entry.path + ' for good?')) return;
    await change(() => api('POST', '/api/trash/empty', { name: entry.id }));
  }

  async function emptyTrash() {
    if (!window.confirm('Delete everything in the trash for good?')) return;
    await change(() => api('POST', '/api/trash/empty'));
  }

  function versionRow(path, version) {
    const row = document.createElement('tr');
    row.dataset.id = version.id;
    const actions = cell('actions', '');
    actions.append(actionButton('Restore', async () => {
      try {
        await api('POST', '/api/versions/restore', { path, version: version.id });
        setStatus($('#versions-status'), 'Restored; the replaced content is kept as a version.');
        showVersions(path);
        navigate(state.path);
      } catch (error) {
        setStatus($('#versions-status'), error.message, true);
      }
    }));
    row.append(cell('date', formatDate(version.time)), cell('num', formatSize(version.size)),
      cell('checksum', version.checksum), actions);
    return row;
  }

  async function showVersions(path) {
    const epoch = state.epoch;
    $('#versions').hidden = false;
    $('#versions-path').textContent = path;
    try {
      const answer = await api('GET', '/api/versions?path=' + encodeURIComponent(path));
      if (epoch !== state.epoch) return;
      $('#version-rows').replaceChildren(...answer.versions.map((v) => versionRow(path, v)));
      if (!answer.versions.length) setStatus($('#versions-status'), 'No earlier versions.');
    } catch (error) {
      if (epoch === state.epoch) setStatus($('#versions-status'), error.message, true);
    }
  }

  function clear() {
    ['#trash-rows', '#version-rows'].forEach((list) => $(list).replaceChildren());
    $('#versions').hidden = true;
    $('#versions-path').textContent = '';
    setStatus($('#trash-status'), '');
    setStatus($('#versions-status'), '');
  }

  $('#trash-refresh').addEventListener('click', refresh);
  $('#trash-empty').addEventListener('click', emptyTrash);
  $('#versions-close').addEventListener('click', () => { $('#versions').hidden = true; });
  return { refresh, showVersions, clear };
})();
