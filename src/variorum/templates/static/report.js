/* variorum report: tabs, the side-by-side pair, pop-ups pinned by click, #chars-START-END
   anchors. Inlined in every page of the web app, one file beside the static report's pages;
   every part checks that its elements exist. Without it, all views show one after the other and
   the side-by-side view shows the first two versions (the web app's pages) or says it needs
   the script (the static report's). */
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");

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

  /* Side by side: build the rows for the chosen pair from every witness's cells (the
     <template>), the same way the web app builds the first pair (the static report leaves even
     the first pair to this): rows where the two agree are
     joined, rows where neither has anything are dropped (their ids kept as anchors). */
  var table = document.getElementById("sbs");
  var data = document.getElementById("sbs-rows");
  var left = document.getElementById("sbs-left");
  var right = document.getElementById("sbs-right");
  function cellOf(row, w) { return row.children[w]; } /* one cell per witness, in their order */
  function group(cell, name) { return cell.getAttribute(name) || "0"; } /* 0 is left out */
  function pairState(row, a, b) {
    var ea = !a.textContent, eb = !b.textContent;
    if (ea && eb) { return "blank"; }
    if (row.hasAttribute("data-move") && (ea || eb)) { return "moved"; }
    if (group(a, "data-g") !== group(b, "data-g")) { return "diff"; }
    if (group(a, "data-f") !== group(b, "data-f")) { return "formal"; }
    return "same";
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (text) { e.textContent = text; }
    return e;
  }
  function link(href, text, title) {
    var a = el("a", null, text);
    a.href = "#" + href;
    a.title = title;
    return a;
  }
  function showPair() {
    var l = left.value, r = right.value;
    table.setAttribute("data-left", l);
    table.setAttribute("data-right", r);
    var head = table.querySelector(".sbs-head");
    head.children[0].textContent = left.options[left.selectedIndex].text;
    head.children[1].textContent = right.options[right.selectedIndex].text;
    while (head.nextSibling) { table.removeChild(head.nextSibling); }
    var frag = document.createDocumentFragment(), last = null, pending = [];
    Array.prototype.forEach.call(data.content.children, function (row) {
      var a = cellOf(row, l), b = cellOf(row, r), id = row.getAttribute("data-id");
      var s = pairState(row, a, b);
      if (s === "blank") { pending.push(id); return; }
      var para = (a.hasAttribute("data-para") && !!a.textContent) || (b.hasAttribute("data-para") && !!b.textContent);
      var gutter;
      if (last && s === "same" && last.state === "same" && !para) {
        last.cells[0].textContent += a.textContent;
        last.cells[1].textContent += b.textContent;
        gutter = last.cells[2];
        pending.concat([id]).forEach(function (x) { gutter.appendChild(el("span")).id = x; });
      } else {
        var div = el("div", "sbs-row state-" + s + (para ? " para" : ""));
        div.setAttribute("role", "row");
        div.id = id;
        var ca = el("div", "cell left", a.textContent), cb = el("div", "cell right", b.textContent);
        gutter = el("div", "gutter");
        [ca, cb, gutter].forEach(function (c) { c.setAttribute("role", "cell"); div.appendChild(c); });
        pending.forEach(function (x) { gutter.appendChild(el("span")).id = x; });
        if (s !== "same" && row.hasAttribute("data-kind")) { div.setAttribute("data-kind", row.getAttribute("data-kind")); }
        if (s !== "same" && row.hasAttribute("data-variant")) {
          gutter.appendChild(link(row.getAttribute("data-variant"), row.getAttribute("data-symbol") || "\u2022", "this variant in the reading view"));
        }
        if (row.hasAttribute("data-move-link")) {
          gutter.appendChild(link(row.getAttribute("data-move-link"), "\u2194", "the other place of this moved passage"));
        }
        frag.appendChild(div);
        last = { state: s, cells: [ca, cb, gutter] };
      }
      pending = [];
    });
    if (pending.length && last) { pending.forEach(function (x) { last.cells[2].appendChild(el("span")).id = x; }); }
    table.appendChild(frag);
  }
  if (table && data && data.content && left && right) {
    left.addEventListener("change", showPair);
    right.addEventListener("change", showPair);
    var head = table.querySelector(".sbs-head");
    if (left.value !== table.getAttribute("data-left") || right.value !== table.getAttribute("data-right") ||
        (head && !head.nextElementSibling)) {
      showPair(); /* the browser restored other choices on reload, or the page left the first pair to us */
    }
  }
})();
