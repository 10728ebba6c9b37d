// NetDisk drop box page (/s/<token>/ of an upload-only share link): sends the chosen files with
// PUT /s/<token>/<name>, one at a time. The server picks a free name and never shows or replaces
// what the folder holds, so all this page learns is whether each file arrived.
'use strict';

function dropStatus(text, isError) {
  const item = document.createElement('li');
  item.textContent = text;
  if (isError) item.className = 'error';
  document.getElementById('drop-status').append(item);
}

async function sendDropFiles() {
  const input = document.getElementById('drop-files');
  for (const file of Array.from(input.files)) {
    try {
      const response = await fetch(location.pathname + encodeURIComponent(file.name),
                                   { method: 'PUT', body: file, credentials: 'same-origin' });
      if (response.ok) {
        dropStatus(file.name + ': sent');
      } else {
        let message = response.statusText;
        try { message = (await response.json()).error.message; } catch (_) { /* keep it */ }
        dropStatus(file.name + ': ' + message, true);
      }
    } catch (error) {
      dropStatus(file.name + ': ' + error.message, true);
    }
  }
  input.value = '';
}

document.getElementById('drop-send').addEventListener('click', sendDropFiles);
