// NetDisk web page: plain JavaScript, no build step, served by netdiskd itself. Talks to the
// JSON API under /api, moves files through /files/<path> (downloads are plain links, uploads are
// XMLHttpRequest PUTs for their progress events) and chats over the WebSocket /ws/chat.
// Every state-changing call carries X-NetDisk-CSRF: 1, which the server requires (docs/HTTP.md).
'use strict';

const $ = (selector) => document.querySelector(selector);
// Everything below belongs to the signed-in user; clearUserState() forgets all of it on log out.
// `epoch` changes at every sign-in and sign-out, so a reply that arrives for the previous user
// (a folder listing, an upload, a chat message) is dropped instead of shown to the next one.
const state = { user: null, path: '', chat: null, chatId: 0, joinId: 0, epoch: 0, uploads: new Set() };

// ---- API ------------------------------------------------------------------------------
async function api(method, url, body) {
  const options = { method, credentials: 'same-origin', headers: { 'X-NetDisk-CSRF': '1' } };
  if (body !== undefined) {
    options.headers['Content-Type'] = 'application/json';
    options.body = JSON.stringify(body);
  }
  const response = await fetch(url, options);
  const text = await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch (_) { data = null; }
  }
  if (!response.ok) {
    const error = new Error((data && data.error && data.error.message) || response.statusText);
    error.code = data && data.error && data.error.code;
    error.status = response.status;
    throw error;
  }
  return data;
}

const joinPath = (dir, name) => (dir ? dir + '/' + name : name);
const filesUrl = (path) => '/files/' + path.split('/').map(encodeURIComponent).join('/');

function formatSize(bytes) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit += 1; }
  return (unit === 0 ? String(value) : value.toFixed(value < 10 ? 1 : 0)) + ' ' + units[unit];
}

function formatDate(iso) {
  const date = new Date(iso);
  return isNaN(date) ? '' : date.toLocaleString();
}

function setStatus(element, message, isError) {
  element.textContent = message || '';
  element.classList.toggle('error', Boolean(isError));
}

// ---- Log in / out ------------------------------------------------------------------------
// Forgets the signed-in user: closes the chat socket (the server then takes the user out of
// the room), aborts uploads in flight and empties every list and field that showed their data.
function clearUserState() {
  state.epoch += 1;
  state.user = null;
  state.path = '';
  if (state.chat) { state.chat.close(); state.chat = null; }
  state.chatId = 0;
  state.joinId = 0;
  state.uploads.forEach((request) => request.abort());
  state.uploads.clear();
  ['#chat-log', '#entries', '#crumbs', '#uploads', '#admin-user-rows'].forEach((list) => $(list).replaceChildren());
  $('#admin-users').hidden = true;
  $('#usage').hidden = true;  // #20 quota: web/quota.js
  ['#username', '#chat-state', '#admin-registration'].forEach((label) => { $(label).textContent = ''; });
  ['#chat-text', '#upload-input', '#auth-user', '#auth-pass'].forEach((field) => { $(field).value = ''; });
  setStatus($('#files-status'), '');
  if (typeof trashUi !== 'undefined') trashUi.clear();
  clearShares();  // shares.js
}

function showSignedIn(user) {
  clearUserState();
  state.user = user;
  $('#loading').hidden = true;
  $('#username').textContent = user;
  $('#whoami').hidden = false;
  $('#auth').hidden = true;
  $('#workspace').hidden = false;
  navigate('');
  trashUi.refresh();
  connectChat();
  loadAdminUsers();
  loadShares();  // shares.js
}

function showSignedOut() {
  clearUserState();
  $('#loading').hidden = true;
  $('#whoami').hidden = true;
  $('#workspace').hidden = true;
  $('#auth').hidden = false;
}

async function logIn(event) {
  event.preventDefault();
  const username = $('#auth-user').value;
  const password = $('#auth-pass').value;
  setStatus($('#auth-status'), 'Logging in…');
  try {
    const reply = await api('POST', '/api/login', { username, password });
    $('#auth-pass').value = '';
    setStatus($('#auth-status'), '');
    showSignedIn(reply.username);
  } catch (error) {
    setStatus($('#auth-status'), error.message, true);
  }
}

async function register() {
  const username = $('#auth-user').value;
  const password = $('#auth-pass').value;
  if (!username || !password) {
    setStatus($('#auth-status'), 'Choose a user name and a password first.', true);
    return;
  }
  const invite = $('#auth-invite').value.trim();
  setStatus($('#auth-status'), 'Registering…');
  try {
    await api('POST', '/api/register', invite ? { username, password, invite } : { username, password });
    setStatus($('#auth-status'), 'Registered. Logging in…');
    await logIn(new Event('submit'));
  } catch (error) {
    // Registration by invitation: show the code's field, the server's message says why.
    if (error.code === 'invite_required' || error.code === 'invalid_invite') {
      $('#auth-invite-row').hidden = false;
      $('#auth-invite').focus();
    }
    setStatus($('#auth-status'), error.message, true);
  }
}

async function logOut() {
  showSignedOut();  // first, so nothing more of this user arrives while the request runs
  try { await api('POST', '/api/logout'); } catch (_) { /* the cookie is gone either way */ }
}

// ---- Files -------------------------------------------------------------------------------
function renderCrumbs() {
  const crumbs = $('#crumbs');
  crumbs.replaceChildren();
  const parts = state.path ? state.path.split('/') : [];
  const add = (label, target) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'link';
    button.textContent = label;
    button.addEventListener('click', () => navigate(target));
    crumbs.append(button);
  };
  add('Home', '');
  parts.forEach((part, index) => {
    const separator = document.createElement('span');
    separator.textContent = '/';
    crumbs.append(separator);
    add(part, parts.slice(0, index + 1).join('/'));
  });
}

function actionButton(label, handler, extraClass) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'link' + (extraClass ? ' ' + extraClass : '');
  button.textContent = label;
  button.addEventListener('click', handler);
  return button;
}

function renderEntry(entry) {
  const path = joinPath(state.path, entry.name);
  const row = document.createElement('tr');
  row.dataset.name = entry.name;
  const name = document.createElement('td');
  name.className = 'name';
  if (entry.type === 'dir') {
    name.append(actionButton(entry.name + '/', () => navigate(path)));
  } else {
    const link = document.createElement('a');
    link.href = filesUrl(path);
    link.textContent = entry.name;
    link.setAttribute('download', entry.name);
    name.append(link);
  }
  const size = document.createElement('td');
  size.className = 'num';
  size.textContent = entry.type === 'dir' ? '' : formatSize(entry.size);
  const date = document.createElement('td');
  date.className = 'date';
  date.textContent = formatDate(entry.mtime);
  const actions = document.createElement('td');
  actions.className = 'actions';
  if (entry.type !== 'dir') actions.append(actionButton('Versions', () => trashUi.showVersions(path)));
  actions.append(actionButton('Rename', () => renameEntry(entry)));
  actions.append(actionButton('Delete', () => deleteEntry(entry), 'danger'));
  actions.append(shareButton(path, entry));  // shares.js
  row.append(name, size, date, actions);
  return row;
}

async function navigate(path) {
  const epoch = state.epoch;
  state.path = path;
  renderCrumbs();
  setStatus($('#files-status'), 'Loading…');
  const body = $('#entries');
  try {
    let entries = [];
    let after = '';
    for (;;) {  // the server pages long folders
      const query = '?path=' + encodeURIComponent(path) + '&after=' + encodeURIComponent(after);
      const page = await api('GET', '/api/list' + query);
      if (epoch !== state.epoch) return;  // signed out meanwhile
      entries = entries.concat(page.entries);
      if (!page.more || page.entries.length === 0) break;
      after = page.entries[page.entries.length - 1].name;
    }
    entries.sort((a, b) => (a.type === b.type ? 0 : a.type === 'dir' ? -1 : 1));
    body.replaceChildren(...entries.map(renderEntry));
    setStatus($('#files-status'), entries.length ? '' : 'This folder is empty.');
    loadUsage();  // #20 quota: web/quota.js
  } catch (error) {
    if (epoch !== state.epoch) return;
    if (error.status === 401) { showSignedOut(); return; }
    setStatus($('#files-status'), error.message, true);
  }
}

// Runs one change to the folder, then shows the folder again or the error; nothing when the
// user signed out while it ran.
async function changeFolder(request) {
  const epoch = state.epoch;
  try {
    await request();
    if (epoch === state.epoch) { navigate(state.path); trashUi.refresh(); }
  } catch (error) {
    if (epoch === state.epoch) setStatus($('#files-status'), error.message, true);
  }
}

async function renameEntry(entry) {
  const name = window.prompt('New name for ' + entry.name, entry.name);
  if (!name || name === entry.name) return;
  const body = { from: joinPath(state.path, entry.name), to: joinPath(state.path, name) };
  await changeFolder(() => api('POST', '/api/rename', body));
}

async function deleteEntry(entry) {
  if (!window.confirm('Move ' + entry.name + ' to the trash?')) return;
  await changeFolder(() => api('DELETE', filesUrl(joinPath(state.path, entry.name))));
}

async function makeFolder() {
  const name = window.prompt('Name of the new folder');
  if (!name) return;
  await changeFolder(() => api('POST', '/api/mkdir', { path: joinPath(state.path, name) }));
}

// One PUT per file, with its own progress bar (XMLHttpRequest, because fetch has no upload
// progress events).
function uploadFile(file, dir) {
  const item = document.createElement('li');
  const label = document.createElement('span');
  label.textContent = file.name;
  const bar = document.createElement('progress');
  bar.max = file.size || 1;
  bar.value = 0;
  const percent = document.createElement('span');
  percent.className = 'num';
  percent.textContent = '0%';
  item.append(label, bar, percent);
  $('#uploads').append(item);
  return new Promise((resolve) => {
    const request = new XMLHttpRequest();
    state.uploads.add(request);
    request.addEventListener('loadend', () => state.uploads.delete(request));
    request.addEventListener('abort', () => resolve());  // on log out; the list is emptied
    request.open('PUT', filesUrl(joinPath(dir, file.name)));
    request.setRequestHeader('X-NetDisk-CSRF', '1');
    request.upload.addEventListener('progress', (event) => {
      if (!event.lengthComputable) return;
      bar.value = event.loaded;
      percent.textContent = Math.floor((100 * event.loaded) / (event.total || 1)) + '%';
    });
    request.addEventListener('load', () => {
      if (request.status >= 200 && request.status < 300) {
        bar.value = bar.max;
        percent.textContent = 'done';
        setTimeout(() => item.remove(), 3000);
      } else {
        let message = request.statusText;
        try { message = JSON.parse(request.responseText).error.message; } catch (_) { /* keep */ }
        percent.textContent = 'failed';
        label.textContent = file.name + ': ' + message;
        item.classList.add('error');
      }
      resolve();
    });
    request.addEventListener('error', () => {
      percent.textContent = 'failed';
      resolve();
    });
    request.send(file);
  });
}

async function uploadFiles(files) {
  const dir = state.path;
  const epoch = state.epoch;
  await Promise.all(Array.from(files).map((file) => uploadFile(file, dir)));
  if (epoch !== state.epoch) return;
  $('#upload-input').value = '';
  if (state.path === dir) navigate(dir);
}

// ---- Chat --------------------------------------------------------------------------------
// The moment of a chat event: its `time` field (UTC, "2026-11-23T10:04:05.1Z"), read by hand
// because Date.parse only promises three-digit fractions; now for lines without an event.
function eventDate(iso) {
  const parts = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})/.exec(iso || '');
  if (!parts) return new Date();
  const [year, month, day, hour, minute, second] = parts.slice(1).map(Number);
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second));
}

// "[10:04]" in local time, as the terminal client prints it (src/client/chat/chat_format.cc).
function timeStamp(iso) {
  const date = eventDate(iso);
  const two = (value) => String(value).padStart(2, '0');
  const stamp = document.createElement('time');
  stamp.className = 'stamp';
  stamp.dateTime = iso || date.toISOString();
  stamp.textContent = '[' + two(date.getHours()) + ':' + two(date.getMinutes()) + ']';
  return stamp;
}

function chatLine(kind, from, text, time) {
  const item = document.createElement('li');
  item.className = kind;
  item.append(timeStamp(time), ' ');
  if (from) {
    const who = document.createElement('span');
    who.className = 'from';
    who.textContent = from + (kind === 'private' ? ' (private)' : '') + ': ';
    item.append(who);
  }
  item.append(document.createTextNode(text));
  const log = $('#chat-log');
  log.append(item);
  log.scrollTop = log.scrollHeight;
}

function setChatEnabled(enabled, note) {
  $('#chat-text').disabled = !enabled;
  $('#chat-send').disabled = !enabled;
  $('#chat-state').textContent = note;
}

function chatRequest(op, fields) {
  if (!state.chat || state.chat.readyState !== WebSocket.OPEN) return;
  state.chatId += 1;
  state.chat.send(JSON.stringify(Object.assign({ op, id: state.chatId }, fields)));
}

// One server message. The member count comes from `members` replies: the one to our
// chat.join, and one to a chat.who sent after each join or leave, because chat.left of a user
// with a second connection still in the room must not lower the count.
function onChatMessage(message) {
  const time = message.time;
  if (message.event === 'chat.message') chatLine('message', message.from, message.text, time);
  else if (message.event === 'chat.private') chatLine('private', message.from, message.text, time);
  else if (message.event === 'chat.joined' || message.event === 'chat.left') {
    chatLine('system', '', message.user + (message.event === 'chat.joined' ? ' joined' : ' left'), time);
    chatRequest('chat.who', {});
  } else if (message.event === 'chat.dropped') chatLine('system', '', 'Disconnected: ' + message.reason, time);
  else if (message.ok === false) chatLine('system', '', 'Error: ' + message.error.message);
  else if (Array.isArray(message.messages)) {
    // The reply to the chat.history sent with the join: earlier public messages, oldest first.
    message.messages.forEach((old) => chatLine('history', old.from, old.text, old.time));
  } else if (message.members) {
    setChatEnabled(true, '(' + message.members.length + ' here)');
    if (message.id === state.joinId) chatLine('system', '', 'In the room: ' + message.members.join(', '));
  }
}

function connectChat() {
  if (state.chat) return;
  setChatEnabled(false, '(connecting…)');
  const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
  const socket = new WebSocket(scheme + location.host + '/ws/chat');
  state.chat = socket;
  // A socket closed on log out may still report; only the current one speaks.
  socket.addEventListener('open', () => {
    if (state.chat !== socket) return;
    chatRequest('chat.join', {});
    state.joinId = state.chatId;
    chatRequest('chat.history', { limit: 20 });
  });
  socket.addEventListener('message', (event) => {
    if (state.chat !== socket) return;
    let message;
    try { message = JSON.parse(event.data); } catch (_) { return; }
    onChatMessage(message);
  });
  socket.addEventListener('close', () => {
    if (state.chat !== socket) return;
    state.chat = null;
    setChatEnabled(false, '(not connected)');
  });
}

function sendChat(event) {
  event.preventDefault();
  const input = $('#chat-text');
  const text = input.value.trim();
  if (!text) return;
  const direct = /^\/msg\s+(\S+)\s+([\s\S]+)$/.exec(text);
  if (direct) {
    chatRequest('chat.private', { to: direct[1], text: direct[2] });
    chatLine('private', 'to ' + direct[1], direct[2]);
  } else {
    chatRequest('chat.send', { text });
    chatLine('message', state.user, text);
  }
  input.value = '';
}

// ---- Users (admin accounts only) ----------------------------------------------------------
// The same list as `netdiskd admin users`. The server decides who is an admin: anyone else
// gets 403 and the panel stays hidden.
function adminUserRow(user) {
  const row = document.createElement('tr');
  // #20 quota: the quota in force (the row's or the server's default); web/quota.js.
  const quota = user.quota_in_force !== undefined ? user.quota_in_force : user.quota_bytes;
  const cells = [
    user.username, user.registered ? formatDate(user.registered) : '',
    user.last_login ? formatDate(user.last_login) : 'never', user.state, user.role,
    user.files === null ? '?' : String(user.files), user.bytes === null ? '?' : formatSize(user.bytes),
    quota === null ? 'none' : formatSize(quota),
  ];
  const classes = ['name', 'date', 'date', '', '', 'num', 'num', 'num'];
  cells.forEach((text, i) => {
    const cell = document.createElement('td');
    cell.textContent = text;
    if (classes[i]) cell.className = classes[i];
    row.append(cell);
  });
  if (user.state === 'disabled') row.classList.add('disabled');
  return row;
}

async function loadAdminUsers() {
  const epoch = state.epoch;
  let answer;
  try { answer = await api('GET', '/api/admin/users'); } catch (_) { return; }
  if (epoch !== state.epoch) return;
  $('#admin-user-rows').replaceChildren(...answer.users.map(adminUserRow));
  $('#admin-registration').textContent = '(registration ' + answer.registration.mode + ')';
  $('#admin-users').hidden = false;
}

// ---- Start -------------------------------------------------------------------------------
function start() {
  $('#auth-form').addEventListener('submit', logIn);
  $('#register').addEventListener('click', register);
  $('#logout').addEventListener('click', logOut);
  $('#refresh').addEventListener('click', () => navigate(state.path));
  $('#mkdir').addEventListener('click', makeFolder);
  $('#upload-input').addEventListener('change', (event) => uploadFiles(event.target.files));
  $('#chat-form').addEventListener('submit', sendChat);
  api('GET', '/api/me').then((me) => showSignedIn(me.username), () => showSignedOut());
}

start();
