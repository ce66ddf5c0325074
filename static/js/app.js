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
})();
