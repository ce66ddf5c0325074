// The gallery's lightbox: opens a tile, moves with ← → across the tiles loaded so far
// (loading the next run at the end), closes with Esc or ✕, traps focus while open and
// restores the scroll position and focus when closed. No inline script: CSP forbids it.
(function () {
  'use strict';

  var box, stage, current = -1, opener = null, scrollY = 0, waiting = false;

  function $(sel) { return box.querySelector(sel); }
  function tiles() { return Array.prototype.slice.call(document.querySelectorAll('[data-lightbox-item]')); }
  function moreSentinel() { return document.querySelector('[data-gallery-more]'); }
  function isOpen() { return box && !box.classList.contains('hidden'); }

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs) { if (attrs[k] !== undefined && attrs[k] !== '') { e.setAttribute(k, attrs[k]); } }
    if (text) { e.textContent = text; }
    return e;
  }

  function docIcon() {
    var ns = 'http://www.w3.org/2000/svg', svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24'); svg.setAttribute('class', 'h-10 w-10 shrink-0'); svg.setAttribute('aria-hidden', 'true');
    svg.setAttribute('fill', 'none'); svg.setAttribute('stroke', 'currentColor'); svg.setAttribute('stroke-width', '1.5');
    ['M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8l-5-5Z', 'M14 3v5h5M9 13h6M9 17h4'].forEach(function (d) {
      var p = document.createElementNS(ns, 'path'); p.setAttribute('d', d); svg.appendChild(p);
    });
    return svg;
  }

  // view builds the stage content for one tile from its data attributes.
  function view(t) {
    var d = t.dataset, kind = d.kind;
    if (!d.src) {
      return el('div', { 'class': 'max-w-md rounded-lg border border-dashed border-rose-300 p-6 text-center text-sm text-rose-100', role: 'img',
        'aria-label': d.reason || 'Not available', 'data-testid': 'media-placeholder', 'data-state': d.state }, d.reason || 'Not available');
    }
    var media = { 'data-media-href': d.href, 'data-testid': 'lightbox-media' };
    if (kind === 'image' || kind === 'sticker') {
      media.src = d.src; media.alt = d.title; media.referrerpolicy = 'no-referrer';
      media['class'] = 'max-h-full max-w-full object-contain';
      return el('img', media);
    }
    if (kind === 'video') {
      media.src = d.src; media.controls = ''; media.preload = 'metadata'; media['class'] = 'max-h-full max-w-full';
      return el('video', media);
    }
    if (kind === 'audio') {
      media.src = d.src; media.controls = ''; media.preload = 'metadata'; media['aria-label'] = d.title; media['class'] = 'w-full max-w-lg';
      return el('audio', media);
    }
    var card = el('a', { href: d.download, 'class': 'flex max-w-md items-center gap-3 rounded-lg bg-white/10 p-4 hover:bg-white/20', 'data-testid': 'lightbox-media' });
    card.appendChild(docIcon());
    var label = el('span', { 'class': 'min-w-0' });
    label.appendChild(el('span', { 'class': 'block truncate font-medium' }, d.filename || 'Document'));
    label.appendChild(el('span', { 'class': 'block text-xs text-slate-300' }, (d.mime || '') + ' · Download'));
    card.appendChild(label);
    return card;
  }

  function show(i) {
    var list = tiles();
    if (i < 0 || i >= list.length) { return; }
    current = i;
    var t = list[i], d = t.dataset;
    stage.replaceChildren(view(t));
    $('[data-lightbox-title]').textContent = d.title || 'Media';
    $('[data-lightbox-position]').textContent = (i + 1) + ' of ' + list.length + (moreSentinel() ? '+' : '');
    var dl = $('[data-lightbox-download]'), open = $('[data-lightbox-open]');
    dl.setAttribute('href', d.download); open.setAttribute('href', d.href);
    dl.hidden = open.hidden = !d.src;
    $('[data-lightbox-message]').setAttribute('href', d.messageHref);
    var details = $('[data-lightbox-details]');
    var tpl = t.closest('[data-testid="gallery-tile"]').querySelector('template[data-details]');
    details.replaceChildren(tpl ? tpl.content.cloneNode(true) : '');
    box.setAttribute('data-index', String(i));
    box.setAttribute('data-media-id', t.closest('[data-testid="gallery-tile"]').getAttribute('data-media-id') || '');
    $('[data-lightbox-prev]').disabled = i === 0;
    $('[data-lightbox-next]').disabled = i === list.length - 1 && !moreSentinel();
  }

  function open(i, from) {
    opener = from; scrollY = window.scrollY;
    box.classList.remove('hidden'); box.classList.add('flex');
    document.documentElement.classList.add('overflow-hidden');
    show(i);
    $('[data-lightbox-close]').focus();
  }

  function close() {
    if (!isOpen()) { return; }
    box.classList.add('hidden'); box.classList.remove('flex');
    document.documentElement.classList.remove('overflow-hidden');
    stage.replaceChildren(); // stops a playing video or audio
    current = -1; waiting = false;
    window.scrollTo(0, scrollY);
    if (opener && document.contains(opener)) { opener.focus({ preventScroll: true }); }
  }

  function next() {
    if (current + 1 < tiles().length) { show(current + 1); return; }
    var more = moreSentinel();
    if (more && window.htmx && !waiting) {
      waiting = true;
      box.setAttribute('aria-busy', 'true');
      window.htmx.trigger(more, 'lightbox-more');
    }
  }

  function prev() { if (current > 0) { show(current - 1); } }

  // trap keeps Tab inside the dialog.
  function trap(e) {
    var f = Array.prototype.filter.call(box.querySelectorAll('a[href], button, video, audio, summary, [tabindex]:not([tabindex="-1"])'),
      function (n) { return !n.disabled && !n.hidden && n.offsetParent !== null; });
    if (!f.length) { return; }
    var first = f[0], last = f[f.length - 1];
    if (e.shiftKey && (document.activeElement === first || !box.contains(document.activeElement))) { last.focus(); e.preventDefault(); }
    else if (!e.shiftKey && (document.activeElement === last || !box.contains(document.activeElement))) { first.focus(); e.preventDefault(); }
  }

  function init() {
    box = document.querySelector('[data-lightbox]');
    if (!box) { return; }
    stage = $('[data-lightbox-stage]');
    document.addEventListener('click', function (e) {
      var t = e.target.closest && e.target.closest('[data-lightbox-item]');
      if (!t || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) { return; }
      e.preventDefault();
      open(tiles().indexOf(t), t);
    });
    $('[data-lightbox-close]').addEventListener('click', close);
    $('[data-lightbox-prev]').addEventListener('click', prev);
    $('[data-lightbox-next]').addEventListener('click', next);
    box.addEventListener('click', function (e) { if (e.target === stage) { close(); } });
    document.addEventListener('keydown', function (e) {
      if (!isOpen()) { return; }
      if (e.key === 'Escape') { e.preventDefault(); close(); }
      else if (e.key === 'ArrowRight' && !/^(VIDEO|AUDIO)$/.test(e.target.tagName)) { e.preventDefault(); next(); }
      else if (e.key === 'ArrowLeft' && !/^(VIDEO|AUDIO)$/.test(e.target.tagName)) { e.preventDefault(); prev(); }
      else if (e.key === 'Tab') { trap(e); }
    });
    // A run loaded while the lightbox waited at the end: move on to its first tile.
    document.addEventListener('htmx:afterSettle', function () {
      if (!isOpen()) { return; }
      box.removeAttribute('aria-busy');
      if (waiting) { waiting = false; next(); } else { show(current); }
    });
  }

  document.addEventListener('DOMContentLoaded', init);
})();
