// Aviary's small script. htmx does the heavy lifting; this adds CSRF to htmx requests
// and makes [data-copy] buttons copy the text of the element whose id they name.
(function () {
  'use strict';
  document.addEventListener('htmx:configRequest', function (e) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) { e.detail.headers['X-CSRF-Token'] = meta.content; }
  });

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
