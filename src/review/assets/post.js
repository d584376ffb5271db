// postscrub report: a post page. Scrolls the original and the converted frame together, and
// turns remote images on and off. The frames are sandboxed without scripts; this script reaches
// into them only because they are same-origin (srcdoc), never running anything of theirs.
(function () {
  'use strict';
  var frames = Array.prototype.slice.call(document.querySelectorAll('iframe.pane'));
  var toggle = document.getElementById('remote-images');
  var blockedPrefix = toggle.getAttribute('data-prefix-blocked');
  var remotePrefix = toggle.getAttribute('data-prefix-remote');
  var MOVED = ['src', 'srcset', 'poster', 'background', 'href', 'style', 'media'];
  var syncing = null;

  function view(frame) {
    try {
      return frame.contentWindow && frame.contentWindow.document ? frame.contentWindow : null;
    } catch (e) {
      return null;
    }
  }

  // Scroll position as a fraction, so posts of different lengths stay side by side.
  function follow(from) {
    var src = view(from);
    if (!src || syncing === from) return;
    var el = src.document.scrollingElement || src.document.documentElement;
    var range = el.scrollHeight - src.innerHeight;
    var ratio = range > 0 ? el.scrollTop / range : 0;
    frames.forEach(function (other) {
      if (other === from) return;
      var dst = view(other);
      if (!dst) return;
      var oel = dst.document.scrollingElement || dst.document.documentElement;
      syncing = other;
      oel.scrollTop = ratio * (oel.scrollHeight - dst.innerHeight);
    });
    setTimeout(function () { syncing = null; }, 50);
  }

  function restoreRemote(win) {
    var selector = MOVED.map(function (name) { return '[data-postscrub-' + name + ']'; }).join(',');
    Array.prototype.forEach.call(win.document.querySelectorAll(selector), function (el) {
      MOVED.forEach(function (name) {
        var v = el.getAttribute('data-postscrub-' + name);
        if (v === null) return;
        if (v === '' && name === 'media') el.removeAttribute('media');
        else el.setAttribute(name, v);
      });
    });
  }

  function attach(frame) {
    var win = view(frame);
    if (!win) return;
    win.addEventListener('scroll', function () { follow(frame); });
    if (toggle.checked) restoreRemote(win);
  }

  frames.forEach(function (frame) {
    frame.addEventListener('load', function () { attach(frame); });
    if (frame.contentDocument && frame.contentDocument.readyState === 'complete') attach(frame);
  });

  toggle.addEventListener('change', function () {
    var from = toggle.checked ? blockedPrefix : remotePrefix;
    var to = toggle.checked ? remotePrefix : blockedPrefix;
    frames.forEach(function (frame) {
      var doc = frame.getAttribute('srcdoc') || '';
      if (doc.indexOf(from) === 0) frame.setAttribute('srcdoc', to + doc.slice(from.length));
    });
  });
})();
