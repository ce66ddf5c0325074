// Aviary's small script. htmx does the heavy lifting; this adds CSRF to htmx requests,
// recovers media whose presigned URL aged in an open tab, and makes [data-copy] buttons
// copy the text of the element whose id they name.
(function () {
  'use strict';

  document.addEventListener('htmx:configRequest', function (e) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) { e.detail.headers['X-CSRF-Token'] = meta.content; }
  });

  // When an image, video or audio element fails to load (for example a presigned URL
  // that expired while the tab was open), retry once through Aviary's /media/:id, which
  // redirects to a fresh URL or answers with a placeholder image that says why. If that
  // fails too, show a placeholder in place of the element.
  function placeholder(el) {
    var box = document.createElement('div');
    box.className = 'flex min-h-[7rem] w-full items-center justify-center rounded-lg border border-dashed border-amber-300 bg-amber-50 p-3 text-center text-xs text-amber-800';
    box.setAttribute('role', 'img');
    box.setAttribute('data-testid', 'media-placeholder');
    box.setAttribute('data-state', 'unavailable');
    box.textContent = 'Temporarily unavailable — try again later';
    el.replaceWith(box);
  }

  document.addEventListener('error', function (e) {
    var el = e.target;
    if (!el || !el.getAttribute) { return; }
    var href = el.getAttribute('data-media-href');
    if (!href) { return; }
    if (el.getAttribute('data-retried') === '1') { placeholder(el); return; }
    el.setAttribute('data-retried', '1');
    var sep = href.indexOf('?') >= 0 ? '&' : '?';
    el.setAttribute('src', href + sep + 'retry=' + Date.now());
    if (el.load) { el.load(); }
  }, true);

  function selectText(el) {
    var range = document.createRange();
    range.selectNodeContents(el);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }

  function announce(button, text) {
    var label = button.getAttribute('data-label') || button.textContent;
    button.setAttribute('data-label', label);
    button.textContent = text;
    window.setTimeout(function () { button.textContent = label; }, 2000);
  }

  document.addEventListener('click', function (e) {
    var button = e.target.closest && e.target.closest('[data-copy]');
    if (!button) { return; }
    var el = document.getElementById(button.getAttribute('data-copy'));
    if (!el) { return; }
    var text = el.textContent.trim();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(function () { announce(button, 'Copied'); },
        function () { selectText(el); announce(button, 'Press Ctrl+C'); });
    } else {
      // Plain http: the clipboard API is unavailable, so select the text for a manual copy.
      selectText(el);
      announce(button, 'Selected — press Ctrl+C');
    }
  });

  // Times are rendered as <time datetime="…" data-local="datetime|time|date"> with a UTC
  // text; show them in the viewer's own time zone.
  var formats = {};
  function formatter(style) {
    if (!formats[style]) {
      var opts = style === 'time' ? { hour: 'numeric', minute: '2-digit' }
        : style === 'date' ? { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' }
        : { day: 'numeric', month: 'short', year: 'numeric', hour: 'numeric', minute: '2-digit' };
      try { formats[style] = new Intl.DateTimeFormat(undefined, opts); } catch (err) { formats[style] = null; }
    }
    return formats[style];
  }
  function localizeTimes(root) {
    if (!root || !root.querySelectorAll) { return; }
    var list = root.querySelectorAll('time[data-local]');
    for (var i = 0; i < list.length; i++) {
      var el = list[i];
      var d = new Date(el.getAttribute('datetime'));
      var f = formatter(el.getAttribute('data-local'));
      if (!f || isNaN(d.getTime())) { continue; }
      el.textContent = f.format(d);
      el.setAttribute('data-localized', '1');
    }
  }
  document.addEventListener('DOMContentLoaded', function () { localizeTimes(document); });
  document.addEventListener('htmx:load', function (e) { localizeTimes(e.detail && e.detail.elt); });

  // Threads open at the highlighted message (?around=) or at the newest one.
  function openThread() {
    var thread = document.querySelector('[data-thread]');
    if (!thread) { return; }
    var target = thread.querySelector('[data-testid="highlighted"]');
    if (target) {
      target.scrollIntoView({ block: 'center' });
      target.setAttribute('tabindex', '-1');
      target.focus({ preventScroll: true });
      return;
    }
    if (!thread.querySelector('[data-testid="load-newer"]')) {
      var items = thread.querySelectorAll('[data-testid="message"]');
      if (items.length) { items[items.length - 1].scrollIntoView({ block: 'end' }); }
    }
  }

  // Tabs ([data-tabs] with role=tablist): every panel shows without script; with it,
  // one panel at a time, arrow keys move between tabs.
  function setupTabs(root) {
    var tabs = root.querySelectorAll('[role="tab"]');
    function select(tab, focus) {
      for (var i = 0; i < tabs.length; i++) {
        var on = tabs[i] === tab;
        tabs[i].setAttribute('aria-selected', on ? 'true' : 'false');
        tabs[i].setAttribute('tabindex', on ? '0' : '-1');
        var panel = document.getElementById(tabs[i].getAttribute('aria-controls'));
        if (panel) { panel.hidden = !on; }
      }
      if (focus) { tab.focus(); }
    }
    for (var i = 0; i < tabs.length; i++) {
      tabs[i].addEventListener('click', function (e) { select(e.currentTarget, false); });
      tabs[i].addEventListener('keydown', function (e) {
        var list = Array.prototype.slice.call(tabs);
        var at = list.indexOf(e.currentTarget);
        if (e.key === 'ArrowRight') { select(list[(at + 1) % list.length], true); e.preventDefault(); }
        if (e.key === 'ArrowLeft') { select(list[(at + list.length - 1) % list.length], true); e.preventDefault(); }
      });
    }
    if (tabs.length) { select(tabs[0], false); }
  }

  document.addEventListener('DOMContentLoaded', function () {
    openThread();
    var all = document.querySelectorAll('[data-tabs]');
    for (var i = 0; i < all.length; i++) { setupTabs(all[i]); }
  });
})();
