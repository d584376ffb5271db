// postscrub report: the list of changed posts on the front page.
// The posts come in data files of one page each (data/list-NNNN.js), loaded with <script src>
// because a page opened from file:// may not fetch(). Without a filter only the page shown is
// loaded; a filter loads every page once, then filters in memory. Rows are built with
// textContent: a path or a title is never markup.
(function () {
  'use strict';
  var list = document.getElementById('list');
  var pageCount = Number(list.getAttribute('data-pages'));
  var total = Number(list.getAttribute('data-total'));
  var pageSize = Number(list.getAttribute('data-page-size'));
  var ruleSelect = document.getElementById('filter-rule');
  var folderSelect = document.getElementById('filter-folder');
  var textInput = document.getElementById('filter-text');
  var tbody = document.querySelector('#posts tbody');
  var status = document.getElementById('list-status');
  var prev = document.getElementById('prev');
  var next = document.getElementById('next');
  var label = document.getElementById('page-label');
  var ruleNames = [];
  for (var i = 1; i < ruleSelect.options.length; i++) {
    ruleNames[Number(ruleSelect.options[i].value)] = ruleSelect.options[i].textContent.replace(/ \(\d+\)$/, '');
  }

  var pages = {};
  var waiting = {};
  var state = { page: 1, rule: '', folder: '', text: '' };
  var generation = 0;

  var folderList = null;
  window.postscrubReport = {
    addPage: function (n, rows) {
      pages[n] = rows;
    },
    addFolders: function (list) {
      folderList = list;
    }
  };

  // The folder choices come from their own file, once the list shows (see index_page.rs).
  var foldersFilled = false;
  var folderWaiters = null;
  function fillFolders(done) {
    if (foldersFilled) return done();
    if (folderWaiters) return folderWaiters.push(done);
    folderWaiters = [done];
    var s = document.createElement('script');
    s.src = 'data/folders.js';
    s.onload = s.onerror = function () {
      var fragment = document.createDocumentFragment();
      (folderList || []).forEach(function (f) {
        var o = document.createElement('option');
        o.value = f[0];
        o.textContent = f[0] + ' (' + f[1] + ')';
        fragment.appendChild(o);
      });
      folderSelect.appendChild(fragment);
      foldersFilled = true;
      var waiters = folderWaiters;
      folderWaiters = null;
      waiters.forEach(function (w) { w(); });
    };
    document.head.appendChild(s);
  }

  function pad(n, width) {
    var s = String(n);
    while (s.length < width) s = '0' + s;
    return s;
  }

  function loadPage(n, done) {
    if (pages[n]) return done();
    if (waiting[n]) return waiting[n].push(done);
    waiting[n] = [done];
    var s = document.createElement('script');
    s.src = 'data/list-' + pad(n, 4) + '.js';
    s.onload = s.onerror = function () {
      if (!pages[n]) pages[n] = [];
      var callbacks = waiting[n];
      delete waiting[n];
      callbacks.forEach(function (f) { f(); });
    };
    document.head.appendChild(s);
  }

  function loadAll(done) {
    var n = 1;
    (function step() {
      if (n > pageCount) return done();
      status.textContent = 'loading the list: page ' + n + ' of ' + pageCount + '…';
      loadPage(n++, step);
    })();
  }

  function filtered() {
    return state.rule !== '' || state.folder !== '' || state.text !== '';
  }

  function matches(row) {
    var path = row[1];
    if (state.rule !== '' && row[3].indexOf(Number(state.rule)) < 0) return false;
    if (state.folder !== '' && path.indexOf(state.folder + '/') !== 0) return false;
    if (state.text !== '') {
      var hay = (path + '\n' + row[2]).toLowerCase();
      if (hay.indexOf(state.text) < 0) return false;
    }
    return true;
  }

  function cell(tr, text, cls) {
    var td = document.createElement('td');
    if (cls) td.className = cls;
    td.textContent = text;
    tr.appendChild(td);
    return td;
  }

  function show(rows, first, matching) {
    while (tbody.firstChild) tbody.removeChild(tbody.firstChild);
    rows.forEach(function (row) {
      var tr = document.createElement('tr');
      tr.className = 'post-row';
      var td = document.createElement('td');
      var a = document.createElement('a');
      a.href = 'posts/' + pad(row[0], 6) + '.html';
      a.textContent = row[1];
      a.className = 'post-link';
      td.appendChild(a);
      tr.appendChild(td);
      cell(tr, row[2]);
      cell(tr, row[3].map(function (r) { return ruleNames[r]; }).join(', '), 'rule-list');
      cell(tr, '+' + row[4] + ' −' + row[5], 'num');
      tbody.appendChild(tr);
    });
    var pagesShown = Math.max(1, Math.ceil(matching / pageSize));
    status.textContent = matching === 0
      ? (filtered() ? 'No changed post matches.' : 'No post would change.')
      : 'Showing ' + (first + 1) + '–' + (first + rows.length) + ' of ' + matching +
        (filtered() ? ' matching posts (of ' + total + ' changed).' : ' changed posts.');
    status.setAttribute('data-matching', String(matching));
    label.textContent = 'page ' + state.page + ' of ' + pagesShown;
    prev.disabled = state.page <= 1;
    next.disabled = state.page >= pagesShown;
    // Once the list shows, the folder choices are filled in.
    if (!foldersFilled && !folderWaiters) setTimeout(function () { fillFolders(function () {}); }, 0);
  }

  function render() {
    var mine = ++generation;
    if (!filtered()) {
      state.page = Math.min(Math.max(1, state.page), pageCount);
      loadPage(state.page, function () {
        if (mine !== generation) return;
        show(pages[state.page], (state.page - 1) * pageSize, total);
      });
      return;
    }
    loadAll(function () {
      if (mine !== generation) return;
      var all = [];
      for (var n = 1; n <= pageCount; n++) {
        pages[n].forEach(function (row) { if (matches(row)) all.push(row); });
      }
      var last = Math.max(1, Math.ceil(all.length / pageSize));
      state.page = Math.min(Math.max(1, state.page), last);
      var first = (state.page - 1) * pageSize;
      show(all.slice(first, first + pageSize), first, all.length);
    });
  }

  // The state lives in the address's #fragment, so a filtered page can be bookmarked and the
  // back button from a post page returns to it.
  function readHash() {
    var params = {};
    location.hash.replace(/^#/, '').split('&').forEach(function (kv) {
      var i = kv.indexOf('=');
      if (i > 0) params[decodeURIComponent(kv.slice(0, i))] = decodeURIComponent(kv.slice(i + 1));
    });
    state.page = Number(params.page) || 1;
    state.rule = params.rule || '';
    state.folder = params.folder || '';
    state.text = (params.text || '').toLowerCase();
    ruleSelect.value = state.rule;
    if (ruleSelect.value !== state.rule) state.rule = ruleSelect.value;
    folderSelect.value = state.folder;
    if (folderSelect.value !== state.folder) state.folder = folderSelect.value;
    textInput.value = params.text || '';
  }

  function writeHash() {
    var parts = [];
    if (state.page > 1) parts.push('page=' + state.page);
    if (state.rule !== '') parts.push('rule=' + encodeURIComponent(state.rule));
    if (state.folder !== '') parts.push('folder=' + encodeURIComponent(state.folder));
    if (textInput.value !== '') parts.push('text=' + encodeURIComponent(textInput.value));
    var hash = parts.length ? '#' + parts.join('&') : '';
    if (location.hash !== hash) history.replaceState(null, '', hash || location.pathname);
  }

  function changed() {
    state.rule = ruleSelect.value;
    state.folder = folderSelect.value;
    state.text = textInput.value.trim().toLowerCase();
    state.page = 1;
    writeHash();
    render();
  }

  ruleSelect.addEventListener('change', changed);
  folderSelect.addEventListener('change', changed);
  textInput.addEventListener('input', changed);
  document.getElementById('filters').addEventListener('submit', function (e) { e.preventDefault(); });
  prev.addEventListener('click', function () { state.page--; writeHash(); render(); });
  next.addEventListener('click', function () { state.page++; writeHash(); render(); });
  Array.prototype.forEach.call(document.querySelectorAll('button.rule-filter'), function (b) {
    b.addEventListener('click', function () {
      ruleSelect.value = b.getAttribute('data-rule');
      changed();
      list.scrollIntoView();
    });
  });
  // A bookmarked folder filter needs the folder choices before the first render.
  if (/(^#|&)folder=/.test(location.hash)) {
    fillFolders(function () { readHash(); render(); });
  } else {
    readHash();
    render();
  }
})();
