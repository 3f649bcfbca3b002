/* variorum report: tabs, the side-by-side pair, the reading view's pop-ups (built from the
   side-by-side rows where the page left them out), pop-ups pinned by click, #chars-START-END
   anchors. Inlined in every page of the web app, one file beside the static report's pages;
   every part checks that its elements exist. Without it, all views show one after the other and
   the side-by-side view shows the first two versions and the pop-ups (the web app's pages) or
   says they need the script (the static report's). */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");

  /* Text as the pages' Python folds and cuts it (variorum.export.report.family.short): runs of
     whitespace (Python's set) to one space, ends trimmed; at most n characters (code points),
     the last an ellipsis. */
  var SPACE = /[\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;
  function fold(s) { return s.replace(SPACE, " ").replace(/^ | $/g, ""); }
  function cut(s, n) {
    var chars = Array.from(s);
    return chars.length <= n ? s : chars.slice(0, n - 1).join("").replace(/ $/, "") + "\u2026";
  }

  /* Tabs (WAI-ARIA tabs pattern): links to the panels, so they work without script too. */
  var tabs = Array.prototype.slice.call(document.querySelectorAll('[role="tab"]'));
  function panelOf(tab) { return document.getElementById(tab.getAttribute("aria-controls")); }
  function activate(tab, focus) {
    tabs.forEach(function (t) {
      var on = t === tab;
      t.setAttribute("aria-selected", on ? "true" : "false");
      t.tabIndex = on ? 0 : -1;
      var panel = panelOf(t);
      if (panel) { panel.hidden = !on; }
    });
    if (focus) { tab.focus(); }
  }
  if (tabs.length) {
    tabs.forEach(function (tab, i) {
      tab.addEventListener("click", function (ev) {
        ev.preventDefault();
        activate(tab, false);
        if (history.replaceState) { history.replaceState(null, "", "#" + tab.getAttribute("aria-controls")); }
      });
      tab.addEventListener("keydown", function (ev) {
        var k = ev.key, j = null;
        if (k === "ArrowRight") { j = (i + 1) % tabs.length; }
        else if (k === "ArrowLeft") { j = (i - 1 + tabs.length) % tabs.length; }
        else if (k === "Home") { j = 0; }
        else if (k === "End") { j = tabs.length - 1; }
        if (j !== null) { ev.preventDefault(); activate(tabs[j], true); }
      });
    });
    activate(tabs[0], false);
  }

  /* Show the panel holding the element a #fragment points at, and scroll to it. */
  function reveal(id) {
    if (!id) { return; }
    var el = document.getElementById(id);
    if (!el) { return; }
    var panel = el.closest('[role="tabpanel"]');
    if (panel) {
      var tab = tabs.filter(function (t) { return panelOf(t) === panel; })[0];
      if (tab) { activate(tab, false); }
    }
    if (el.matches('[data-substantive="false"]')) {
      var toggle = document.getElementById("show-formal");
      if (toggle) { toggle.checked = true; }
    }
    el.scrollIntoView({ block: "center" });
  }

  /* A document page's table of passages, from its data (pagedata.passage_data) where the page
     sends it that way (the static report): the rows the web app writes, built here. */
  var passagesEl = document.getElementById("passages-data");
  var passageBody = document.querySelector("table.passages > tbody");
  if (passagesEl && passageBody && !passageBody.children.length) {
    var pd = null;
    try { pd = JSON.parse(passagesEl.textContent); } catch (e) { pd = null; }
    if (pd && pd.version === 1) {
      var EARLIER = { a: ", earlier here", b: ", earlier there" };
      /* A passage's opening words where the data leaves them out: its marked text, block by
         block (a space between blocks), folded and cut. */
      var excerpt = function (id) {
        var parts = [], block = null;
        document.querySelectorAll('.doc-text mark[data-passage="' + id + '"]').forEach(function (m) {
          var b = m.closest(".text");
          if (b !== block) { parts.push(""); block = b; }
          parts[parts.length - 1] += m.textContent;
        });
        return cut(fold(parts.join(" ")), pd.cut);
      };
      var rowsFrag = document.createDocumentFragment();
      pd.rows.forEach(function (p) {
        var id = p[0], other = pd.others[p[3] - 1], kind = p[6];
        var tr = document.createElement("tr");
        tr.className = kind === "boilerplate" ? "boilerplate" : "shared";
        tr.setAttribute("data-passage", id);
        tr.setAttribute("data-other", other[0]);
        function cell() { return tr.appendChild(document.createElement("td")); }
        function anchor(td, href, text) {
          var a = td.appendChild(document.createElement("a"));
          a.setAttribute("href", href);
          a.textContent = text;
        }
        anchor(cell(), "#p" + id, p[1] + "\u2013" + p[2]);
        var with_ = cell();
        anchor(with_, other[1] + "#p" + id, "[" + p[3] + "] " + other[2]);
        if (other[3]) { with_.appendChild(document.createTextNode(" (" + other[3] + ")")); }
        cell().textContent = String(p[4]);
        cell().textContent = p[5] + " %";
        var k = cell();
        if (kind === "boilerplate") {
          var badge = k.appendChild(document.createElement("span"));
          badge.className = "badge boilerplate";
          badge.textContent = "boilerplate";
        } else { k.appendChild(document.createTextNode(kind)); }
        if (p[7]) { k.appendChild(document.createTextNode(EARLIER[p[7]])); }
        cell().appendChild(document.createElement("q")).textContent = p[8] === null ? excerpt(id) : p[8];
        rowsFrag.appendChild(tr);
      });
      passageBody.appendChild(rowsFrag);
    }
  }

  /* #chars-START-END: mark those characters of a document page's text (offsets of the
     extracted text, as the query page links them). */
  function markChars(start, end) {
    var first = null;
    document.querySelectorAll(".doc-text .text[data-start]").forEach(function (block) {
      var pos = parseInt(block.getAttribute("data-start"), 10);
      var walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT, null);
      var nodes = [];
      while (walker.nextNode()) { nodes.push(walker.currentNode); }
      nodes.forEach(function (node) {
        if (node.parentElement.closest(".plink")) { return; }
        var len = node.data.length, a = Math.max(start, pos), b = Math.min(end, pos + len);
        if (a < b) {
          var range = document.createRange();
          range.setStart(node, a - pos);
          range.setEnd(node, b - pos);
          var mark = document.createElement("mark");
          mark.className = "char-target";
          range.surroundContents(mark);
          if (!first) { first = mark; }
        }
        pos += len;
      });
    });
    if (first) { first.scrollIntoView({ block: "center" }); }
  }

  function onHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    var m = /^chars-(\d+)-(\d+)$/.exec(id);
    if (m && !document.getElementById(id)) { markChars(parseInt(m[1], 10), parseInt(m[2], 10)); }
    else { reveal(id); }
  }
  window.addEventListener("hashchange", onHash);
  if (location.hash) { onHash(); }
  document.addEventListener("click", function (ev) {
    var a = ev.target.closest && ev.target.closest('a[href^="#"]');
    if (a && a.getAttribute("href").length > 1 && !a.matches('[role="tab"]')) {
      reveal(decodeURIComponent(a.getAttribute("href").slice(1)));
    }
  });

  /* Pop-ups: a click on a mark pins its readings open; Escape closes them. */
  document.addEventListener("click", function (ev) {
    var mark = ev.target.closest && ev.target.closest(".variant > button.vmark");
    document.querySelectorAll(".variant.open").forEach(function (v) {
      if (!mark || v !== mark.parentElement) { v.classList.remove("open"); }
    });
    if (mark) { mark.parentElement.classList.toggle("open"); }
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key === "Escape") {
      document.querySelectorAll(".variant.open").forEach(function (v) { v.classList.remove("open"); });
      var active = document.activeElement;
      if (active && active.closest && active.closest(".variant")) { active.blur(); }
    }
  });

  /* The family page's data (pagedata.py): every witness's side-by-side rows, one object per
     row: c (cells), and where not the default g and f (reading and form groups, 0), p
     (witnesses starting a paragraph), v (variant), m (move), l (move link), i (id, "r" +
     position). The first cell, the base text's, is a text, a number of UTF-16 units of the
     reading view's text taken in order, or a list of both (the text between paragraphs is
     written out); another is a text, the number of an earlier cell of the row that reads the
     same, or [that number, edit...] (pagedata.apply_edit). Read once into row.t, the texts. */
  var dataEl = document.getElementById("family-data");
  var fam = null;
  if (dataEl) {
    try { fam = JSON.parse(dataEl.textContent); } catch (e) { fam = null; }
    if (fam && fam.version !== 2) { fam = null; }
  }
  /* The reading view's text: its paragraphs' text nodes, less marks, added-text previews,
     pop-ups and move notes (pagedata.reading_text). */
  function readingText() {
    var parts = [];
    document.querySelectorAll(".reading p.para").forEach(function (p) {
      var walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT, null);
      while (walker.nextNode()) {
        var node = walker.currentNode;
        if (!node.parentElement.closest(".vmark, .vins, .vreadings, .move-note")) { parts.push(node.data); }
      }
    });
    return parts.join("");
  }
  function applyEdit(model, ops) {
    var out = "", pos = 0;
    for (var k = 1; k < ops.length; k++) {
      var op = ops[k];
      if (typeof op === "string") { out += op; }
      else if (op > 0) { out += model.slice(pos, pos + op); pos += op; }
      else { pos -= op; }
    }
    return out;
  }
  if (fam) {
    var base = readingText(), at = 0;
    fam.rows.forEach(function (row) {
      row.t = row.c.map(function () { return ""; });
      row.c.forEach(function (c, w) {
        if (w === 0) {
          row.t[0] = (Array.isArray(c) ? c : [c]).map(function (part) {
            if (typeof part !== "number") { return part; }
            at += part;
            return base.slice(at - part, at);
          }).join("");
        } else if (typeof c === "number") { row.t[w] = row.t[c]; }
        else if (Array.isArray(c)) { row.t[w] = applyEdit(row.t[c[0]], c); }
        else { row.t[w] = c; }
      });
    });
  }
  function rowId(row, k) { return row.i || "r" + (k + 1); }
  function cellText(row, w) { return row.t[w]; }
  function group(row, key, w) { return row[key] ? row[key][w] : 0; }
  function para(row, w) { return !!row.p && row.p.indexOf(w) >= 0 && !!cellText(row, w); }
  function kindOf(row) {
    var v = row.v && document.getElementById(row.v);
    return v ? v.getAttribute("data-kind") : null;
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text) { e.textContent = text; }
    return e;
  }

  /* Pop-ups of the reading view that the page left out: a variant's reading in each witness is
     its cells over the variant's rows, whitespace folded as Python folds it, less trim[number]
     UTF-16 units (the punctuation before the next row); witnesses with the same reading share a
     line, in witness order, and a reading is cut at fam.cut characters, as the web app's pages
     write them. */
  function buildReadings(variant, rows) {
    var number = variant.id.slice(1), kind = variant.getAttribute("data-kind");
    var subtype = variant.getAttribute("data-subtype");
    var trim = fam.trim[number], readings = new Map();
    fam.sigla.forEach(function (siglum, w) {
      var text = fold(rows.map(function (row) { return cellText(row, w); }).join(""));
      if (trim) { text = text.slice(0, text.length - trim[w]); }
      if (!readings.has(text)) { readings.set(text, []); }
      readings.get(text).push(siglum);
    });
    var box = el("span", "vreadings");
    box.setAttribute("role", "tooltip");
    box.id = variant.id + "-r";
    var move = fam.moves[number] || null; /* [label, other place's id or null, sigla there...] */
    var head = (fam.symbols[kind] || "") + number + " " + (move ? move[0] : kind + (subtype ? ", " + subtype : ""));
    if (variant.getAttribute("data-substantive") === "false") { head += " (formal)"; }
    box.appendChild(el("span", "vhead", head));
    readings.forEach(function (sigla, text) {
      var line = el("span", "vrow");
      line.appendChild(el("span", "sig", sigla.join(" ")));
      line.appendChild(document.createTextNode(" "));
      line.appendChild(text ? el("q", null, cut(text, fam.cut)) : el("em", "none", "nothing here"));
      box.appendChild(line);
    });
    if (move && move[1]) {
      var here = move.slice(2), back = el("a", null, "\u2194 where " + here.join(" ") + " " + (here.length === 1 ? "has" : "have") + " it");
      back.setAttribute("href", "#" + move[1]);
      box.appendChild(el("span", "vrow")).appendChild(back);
    }
    variant.appendChild(box);
    var mark = variant.querySelector(":scope > button.vmark");
    if (mark) { mark.setAttribute("aria-describedby", box.id); }
  }
  if (fam) {
    /* A variant's rows name it (v); a transposition's are its passage's, at both places (m). */
    var rowsOf = {}, movesOf = {};
    fam.rows.forEach(function (row) {
      if (row.v) { (rowsOf[row.v] = rowsOf[row.v] || []).push(row); }
      if (row.m) { (movesOf[row.m] = movesOf[row.m] || []).push(row); }
    });
    document.querySelectorAll(".reading .variant[id]").forEach(function (variant) {
      var of = variant.getAttribute("data-kind") === "transposition" ? movesOf : rowsOf;
      var rows = Object.prototype.hasOwnProperty.call(of, variant.id) ? of[variant.id] : null;
      if (rows && !variant.querySelector(":scope > .vreadings")) { buildReadings(variant, rows); }
    });
  }

  /* Side by side: build the rows for the chosen pair from every witness's rows, the same way
     the web app builds the first pair (the static report leaves even the first pair to this):
     rows where the two agree are joined, rows where neither has anything are dropped (their
     ids kept as anchors). */
  var table = document.getElementById("sbs");
  var left = document.getElementById("sbs-left");
  var right = document.getElementById("sbs-right");
  function pairState(row, a, b) {
    var ea = !cellText(row, a), eb = !cellText(row, b);
    if (ea && eb) { return "blank"; }
    if (row.m && (ea || eb)) { return "moved"; }
    if (group(row, "g", a) !== group(row, "g", b)) { return "diff"; }
    if (group(row, "f", a) !== group(row, "f", b)) { return "formal"; }
    return "same";
  }
  function link(href, text, title) {
    var a = el("a", null, text);
    a.href = "#" + href;
    a.title = title;
    return a;
  }
  function showPair() {
    var l = parseInt(left.value, 10), r = parseInt(right.value, 10);
    table.setAttribute("data-left", l);
    table.setAttribute("data-right", r);
    var head = table.querySelector(".sbs-head");
    head.children[0].textContent = left.options[left.selectedIndex].text;
    head.children[1].textContent = right.options[right.selectedIndex].text;
    while (head.nextSibling) { table.removeChild(head.nextSibling); }
    var frag = document.createDocumentFragment(), last = null, pending = [];
    fam.rows.forEach(function (row, k) {
      var a = cellText(row, l), b = cellText(row, r), id = rowId(row, k);
      var s = pairState(row, l, r);
      if (s === "blank") { pending.push(id); return; }
      var isPara = para(row, l) || para(row, r);
      var gutter;
      if (last && s === "same" && last.state === "same" && !isPara) {
        last.cells[0].textContent += a;
        last.cells[1].textContent += b;
        gutter = last.cells[2];
        pending.concat([id]).forEach(function (x) { gutter.appendChild(el("span")).id = x; });
      } else {
        var div = el("div", "sbs-row state-" + s + (isPara ? " para" : ""));
        div.setAttribute("role", "row");
        div.id = id;
        var ca = el("div", "cell left", a), cb = el("div", "cell right", b);
        gutter = el("div", "gutter");
        [ca, cb, gutter].forEach(function (c) { c.setAttribute("role", "cell"); div.appendChild(c); });
        pending.forEach(function (x) { gutter.appendChild(el("span")).id = x; });
        var kind = kindOf(row);
        if (s !== "same" && kind) { div.setAttribute("data-kind", kind); }
        if (s !== "same" && row.v) {
          gutter.appendChild(link(row.v, fam.symbols[kind] || "\u2022", "this variant in the reading view"));
        }
        if (row.l) { gutter.appendChild(link(row.l, "\u2194", "the other place of this moved passage")); }
        frag.appendChild(div);
        last = { state: s, cells: [ca, cb, gutter] };
      }
      pending = [];
    });
    if (pending.length && last) { pending.forEach(function (x) { last.cells[2].appendChild(el("span")).id = x; }); }
    table.appendChild(frag);
  }
  if (table && fam && left && right) {
    left.addEventListener("change", showPair);
    right.addEventListener("change", showPair);
    var head = table.querySelector(".sbs-head");
    if (left.value !== table.getAttribute("data-left") || right.value !== table.getAttribute("data-right") ||
        (head && !head.nextElementSibling)) {
      showPair(); /* the browser restored other choices on reload, or the page left the first pair to us */
    }
  }
})();
