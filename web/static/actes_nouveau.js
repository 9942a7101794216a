// Live check of the act form (/actes/nouveau): once a field has been filled or left, the form is sent
// to POST /api/v1/actes/valider — the server's own rules, nothing kept — and each message is shown
// next to its field (aria-live, aria-invalid). Files are described by their size and first bytes
// only. Without this script the form works as before: the server checks everything on submit.
(function () {
  'use strict';
  var form = document.querySelector('form[data-validation]');
  if (!form || !window.fetch || !window.JSON) return;
  var fields = ['numero', 'objet', 'date_decision', 'nature', 'matiere', 'type_piece', 'document', 'annexes', 'types_annexes'];
  var touched = {}, timer = null, seq = 0;
  var csrf = form.querySelector('input[name=csrf]');

  function errorBox(name) {
    var input = document.getElementById(name);
    if (!input) return null;
    var id = 'err-' + name, box = document.getElementById(id);
    if (!box) {
      box = document.createElement('p');
      box.id = id;
      box.className = 'field-error';
      box.setAttribute('aria-live', 'polite');
      input.parentNode.appendChild(box);
      var by = input.getAttribute('aria-describedby');
      input.setAttribute('aria-describedby', (by ? by + ' ' : '') + id);
    }
    return box;
  }
  fields.forEach(errorBox);
  var general = document.createElement('div');
  general.className = 'field-error';
  general.setAttribute('aria-live', 'polite');
  form.querySelector('button[type=submit]').parentNode.appendChild(general);

  function value(name) {
    var el = form.elements[name];
    return el ? el.value : '';
  }
  function hex(buf) {
    var b = new Uint8Array(buf), s = '';
    for (var i = 0; i < b.length; i++) s += (b[i] < 16 ? '0' : '') + b[i].toString(16);
    return s;
  }
  function describe(file) {
    return file.slice(0, 32).arrayBuffer().then(function (buf) {
      return { taille: file.size, debut: hex(buf) };
    });
  }

  function check() {
    var doc = form.elements.document, ann = form.elements.annexes;
    var files = [doc && doc.files[0] ? describe(doc.files[0]) : Promise.resolve(null)];
    for (var i = 0; ann && i < ann.files.length; i++) files.push(describe(ann.files[i]));
    var mine = ++seq;
    Promise.all(files).then(function (d) {
      var body = {
        numero: value('numero'), objet: value('objet'), date_decision: value('date_decision'), nature: value('nature'),
        matiere: value('matiere'), type_piece: value('type_piece'), types_annexes: value('types_annexes'),
        document_papier: !!(form.elements.document_papier && form.elements.document_papier.checked),
        annexes: d.slice(1)
      };
      if (d[0]) body.document = d[0];
      return fetch('/api/v1/actes/valider', {
        method: 'POST', credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf ? csrf.value : '' },
        body: JSON.stringify(body)
      });
    }).then(function (res) {
      return res.ok ? res.json() : null;
    }).then(function (j) {
      if (!j || mine !== seq) return;   // a newer check is on its way
      show(j.violations || []);
    }).catch(function () { /* the server checks again on submit */ });
  }

  function show(violations) {
    var by = {}, rest = [];
    violations.forEach(function (v) {
      if (v.champ && document.getElementById(v.champ)) (by[v.champ] = by[v.champ] || []).push(v.message);
      else rest.push(v.message);
    });
    fields.forEach(function (name) {
      var input = document.getElementById(name), box = errorBox(name);
      if (!input || !box) return;
      var msgs = touched[name] ? by[name] || [] : [];
      var text = msgs.join(' ; ');
      if (box.textContent !== text) box.textContent = text;
      if (msgs.length) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    });
    var g = Object.keys(touched).length ? rest.join(' ; ') : '';
    if (general.textContent !== g) general.textContent = g;
  }

  function later(name, wait) {
    touched[name] = true;
    clearTimeout(timer);
    timer = setTimeout(check, wait);
  }
  fields.concat(['document_papier']).forEach(function (name) {
    var el = document.getElementById(name);
    if (!el) return;
    el.addEventListener('change', function () { later(name, 0); });
    el.addEventListener('blur', function () { if (el.value !== '') later(name, 0); });
    if (el.tagName === 'INPUT' && el.type !== 'file' && el.type !== 'checkbox')
      el.addEventListener('input', function () { if (touched[name]) later(name, 400); });
  });
})();
