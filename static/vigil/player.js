/* Vigil case player: progressive enhancement of server-rendered forms (no dependencies).
 *
 * - drafts: every answer form is kept in localStorage (per attempt and item) as it is
 *   typed, restored on reload, cleared once the server has stored the answer;
 * - submit by fetch: a dropped connection leaves the page and the input as they are and
 *   says so; a refused answer swaps in the server's re-rendered question (errors beside
 *   the fields, the input kept);
 * - the span widget of error_spans items (mouse, touch and keyboard);
 * - grading status: polls the feedback fragment until the grade arrives;
 * - small things: confidence value, override answers, image layers, word count.
 * Every string shown comes from the page (#player-text), translated by Django.
 */
(function () {
  "use strict";

  var T = {};
  try { T = JSON.parse(document.getElementById("player-text").textContent); } catch (e) { T = {}; }
  function t(key, params) {
    var s = T[key] || key;
    Object.keys(params || {}).forEach(function (k) { s = s.split("%(" + k + ")s").join(params[k]); });
    return s;
  }
  var live = document.getElementById("live");
  function announce(message) {
    if (!live) { return; }
    live.textContent = "";
    window.setTimeout(function () { live.textContent = message; }, 60);
  }
  function shorten(text) {
    text = text.replace(/\s+/g, " ").trim();
    return text.length > 80 ? text.slice(0, 79) + "…" : text;
  }

  /* ------------------------------------------------------------ drafts */
  var PREFIX = "vigil:draft:";
  var MAX_AGE = 30 * 24 * 3600 * 1000;
  var store = (function () {
    try { localStorage.setItem("vigil:probe", "1"); localStorage.removeItem("vigil:probe"); return localStorage; } catch (e) { return null; }
  }());

  function collect(form) {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "submit" || el.type === "button") { return; }
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) { return; }
      (data[el.name] = data[el.name] || []).push(el.value);
    });
    return data;
  }
  function saveDraft(form) {
    if (!store || !form.dataset.draft) { return; }
    try { store.setItem(PREFIX + form.dataset.draft, JSON.stringify({at: Date.now(), data: collect(form)})); } catch (e) { /* full */ }
  }
  function readDraft(key) {
    if (!store) { return null; }
    try {
      var draft = JSON.parse(store.getItem(PREFIX + key) || "null");
      if (!draft || Date.now() - draft.at > MAX_AGE) { return null; }
      return draft.data;
    } catch (e) { return null; }
  }
  function clearDraft(key) {
    if (store) { store.removeItem(PREFIX + key); store.removeItem(PREFIX + key + ":unaided"); }
  }
  function restore(form, data) {
    if (form.spanWidget) { form.spanWidget.load(data); }
    var seen = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "hidden" || !(el.name in data)) { return; }
      if (el.type === "radio" || el.type === "checkbox") {
        el.checked = data[el.name].indexOf(el.value) !== -1;
      } else {
        var i = seen[el.name] || 0;
        if (i < data[el.name].length) { el.value = data[el.name][i]; }
        seen[el.name] = i + 1;
      }
      el.dispatchEvent(new Event("input", {bubbles: true}));
    });
  }
  function same(a, b) { return JSON.stringify(a) === JSON.stringify(b); }

  /* ------------------------------------------------------------ submitting */
  function go(location) {
    var url = new URL(location, window.location.href);
    if (url.pathname === window.location.pathname && url.search === window.location.search) {
      if ("scrollRestoration" in history) { history.scrollRestoration = "manual"; }
      history.replaceState(null, "", url.hash || url.pathname);
      window.location.reload();
    } else {
      window.location.assign(url.href);
    }
  }

  function enhanceForm(form) {
    var section = form.closest("section.item");
    var status = form.querySelector("[data-form-status]");
    var timer = null;
    form.addEventListener("input", function () { window.clearTimeout(timer); timer = window.setTimeout(function () { saveDraft(form); }, 250); });
    form.addEventListener("change", function () { saveDraft(form); });
    form.addEventListener("submit", function (event) {
      if (!window.fetch || !window.FormData) { return; }
      event.preventDefault();
      if (form.dataset.busy) { return; }
      var button = form.querySelector("button[type=submit]");
      form.dataset.busy = "1";
      button.disabled = true;
      status.classList.remove("error");
      status.textContent = t("sending");
      saveDraft(form);
      fetch(form.action, {
        method: "POST", body: new FormData(form), credentials: "same-origin",
        headers: {"X-Requested-With": "fetch", "Accept": "application/json, text/html"}
      }).then(function (reply) {
        var type = reply.headers.get("Content-Type") || "";
        if (reply.ok && type.indexOf("application/json") === 0) {
          return reply.json().then(function (body) {
            clearDraft(section.dataset.draftKey);
            status.textContent = t("saved");
            go(body.location);
          });
        }
        return reply.text().then(function (html) { refused(form, section, html, reply.status); });
      }).catch(function () {
        status.classList.add("error");
        status.textContent = t("offline");
      }).then(function () {
        delete form.dataset.busy;
        button.disabled = false;
      });
    });
  }

  function refused(form, section, html, code) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = section && doc.getElementById(section.id);
    if (!fresh) {
      var status = form.querySelector("[data-form-status]");
      status.classList.add("error");
      status.textContent = t("failed", {code: code});
      return;
    }
    fresh = document.importNode(fresh, true);
    section.replaceWith(fresh);
    init(fresh, false);
    var alert = fresh.querySelector(".item-errors, .field-error");
    fresh.focus();
    if (alert) { alert.scrollIntoView({block: "center"}); }
  }

  /* ------------------------------------------------------------ the span widget */
  function SpanWidget(form) {
    var container = document.getElementById(form.dataset.spanForm);
    if (!container) { return null; }
    var self = this;
    var tokens = Array.prototype.slice.call(container.querySelectorAll("span[data-s]"));
    var list = form.querySelector("[data-span-list]");
    var template = form.querySelector("[data-span-template]");
    var empty = form.querySelector("[data-span-empty]");
    var pending = form.querySelector("[data-pending]");
    var addButton = form.querySelector("[data-add-span]");
    var itemId = form.closest("section.item").id.replace("item-", "");
    var state = {anchor: null, focus: 0, sel: null, editing: null, taps: 0};
    var tools = form.querySelector("[data-span-tools]");
    var clearButton = tools.querySelector("[data-clear-span]");
    if (container.spanWidget) { container.spanWidget.destroy(); }  // the form was re-rendered
    // The tools go right under the text, where the selection is made (and stick there).
    container.parentNode.querySelectorAll(":scope > [data-span-tools]").forEach(function (old) { old.remove(); });
    container.after(tools);
    tools.hidden = false;
    container.spanWidget = this;
    var controller = new AbortController();
    var on = {signal: controller.signal};
    this.destroy = function () { controller.abort(); };

    function token(i) { return tokens[Math.max(0, Math.min(tokens.length - 1, i))]; }
    function quoteOf(a, b) {
      var range = document.createRange();
      range.setStartBefore(tokens[a]);
      range.setEndAfter(tokens[b]);
      return range.toString();
    }
    function rows() { return Array.prototype.slice.call(list.querySelectorAll("[data-span]")); }
    function bounds(row) {
      return [+row.querySelector("[name=span_start]").value, +row.querySelector("[name=span_end]").value];
    }
    function paint() {
      var marked = rows().map(bounds);
      tokens.forEach(function (tok, i) {
        var s = +tok.dataset.s, e = +tok.dataset.e;
        tok.classList.toggle("marked", marked.some(function (m) { return s < m[1] && e > m[0]; }));
        tok.classList.toggle("sel", !!state.sel && i >= state.sel[0] && i <= state.sel[1]);
      });
      empty.hidden = rows().length > 0;
      if (state.sel) {
        pending.textContent = t(state.editing ? "editingSelected" : "selected", {quote: shorten(quoteOf(state.sel[0], state.sel[1]))});
      } else {
        pending.textContent = state.editing ? t("editing") : t("noSelection");
      }
      addButton.textContent = state.editing ? t("update") : t("mark");
    }
    function renumber() {
      rows().forEach(function (row, i) {
        var id = "q-" + itemId + "-" + i;
        row.querySelector("[data-quote]").id = id;
        row.querySelectorAll("[data-edit-span], [data-remove-span]").forEach(function (b) { b.setAttribute("aria-describedby", id); });
      });
    }
    function setFocus(i, move) {
      token(state.focus).tabIndex = -1;
      state.focus = Math.max(0, Math.min(tokens.length - 1, i));
      token(state.focus).tabIndex = 0;
      if (move) { token(state.focus).focus(); }
    }
    function select(a, b) {
      state.sel = [Math.min(a, b), Math.max(a, b)];
      paint();
    }
    function clear() {
      state.sel = null; state.anchor = null; state.editing = null; state.taps = 0;
      paint();
    }
    function addRow(start, end, quote, label, correction) {
      var row = template.content.firstElementChild.cloneNode(true);
      list.appendChild(row);
      fill(row, start, end, quote);
      row.querySelector("[name=span_label]").value = label || "";
      row.querySelector("[name=span_correction]").value = correction || "";
      return row;
    }
    function fill(row, start, end, quote) {
      row.querySelector("[name=span_start]").value = start;
      row.querySelector("[name=span_end]").value = end;
      row.querySelector("[data-quote]").textContent = quote;
    }
    function indexOfOffset(offset, isEnd) {
      for (var i = 0; i < tokens.length; i++) {
        if (isEnd ? +tokens[i].dataset.e >= offset : +tokens[i].dataset.e > offset) { return i; }
      }
      return tokens.length - 1;
    }
    function commit() {
      if (!state.sel) { state.sel = [state.focus, state.focus]; }
      var start = +tokens[state.sel[0]].dataset.s, end = +tokens[state.sel[1]].dataset.e;
      var quote = quoteOf(state.sel[0], state.sel[1]);
      var duplicate = rows().some(function (row) {
        var b = bounds(row);
        return row !== state.editing && b[0] === start && b[1] === end;
      });
      if (duplicate) { announce(t("duplicate")); return; }
      var row = state.editing;
      if (row) { fill(row, start, end, quote); } else { row = addRow(start, end, quote); }
      var message = t(state.editing ? "updated" : "added", {quote: shorten(quote)});
      clear();
      renumber();
      paint();
      saveDraft(form);
      announce(message);
    }

    container.addEventListener("keydown", function (event) {
      var tok = event.target.closest && event.target.closest("span[data-s]");
      if (!tok) { return; }
      var i = tokens.indexOf(tok), next = null;
      switch (event.key) {
        case "ArrowRight": case "ArrowDown": next = i + 1; break;
        case "ArrowLeft": case "ArrowUp": next = i - 1; break;
        case "Home": next = 0; break;
        case "End": next = tokens.length - 1; break;
        case "Enter": case " ": event.preventDefault(); commit(); return;
        case "Escape": if (state.sel || state.editing) { event.preventDefault(); clear(); announce(t("cleared")); } return;
        default: return;
      }
      event.preventDefault();
      next = Math.max(0, Math.min(tokens.length - 1, next));
      if (event.shiftKey) {
        if (state.anchor === null) { state.anchor = state.sel ? (next > i ? state.sel[0] : state.sel[1]) : i; }
        setFocus(next, true);
        select(state.anchor, next);
        announce(t("selected", {quote: shorten(quoteOf(state.sel[0], state.sel[1]))}));
      } else {
        state.anchor = null;
        if (state.sel && !state.editing) { state.sel = null; paint(); }
        setFocus(next, true);
      }
    }, on);
    container.addEventListener("focusin", function (event) {
      var tok = event.target.closest && event.target.closest("span[data-s]");
      if (tok) { setFocus(tokens.indexOf(tok), false); }
    }, on);
    // Mouse drags are followed word by word here rather than through the browser's text
    // selection: a press on a word's first pixels puts the caret in the space before the
    // word, outside the focusable token, and Chromium then drops the selection as focus
    // moves to the token, so a drag started there marked nothing. The word under the
    // pointer is exact from its first pixel. Touch keeps taps and the native selection.
    var drag = null;
    container.addEventListener("pointerdown", function (event) { state.pointer = event.pointerType; drag = null; }, on);
    container.addEventListener("mousedown", function (event) {
      var tok = event.button === 0 && state.pointer === "mouse" && event.target.closest && event.target.closest("span[data-s]");
      if (!tok || event.shiftKey) { return; }
      event.preventDefault();  // no native selection, and focus is given below without scrolling
      var selection = window.getSelection();
      if (selection) { selection.removeAllRanges(); }
      drag = {from: tokens.indexOf(tok), moved: false};
      setFocus(drag.from, false);
      tok.focus({preventScroll: true});
    }, on);
    document.addEventListener("mousemove", function (event) {
      if (!drag) { return; }
      if (!(event.buttons & 1)) { drag = null; return; }
      var tok = event.target.closest && event.target.closest("span[data-s]");
      var i = tok ? tokens.indexOf(tok) : -1;
      if (i === -1 || (!drag.moved && i === drag.from)) { return; }
      drag.moved = true;
      state.anchor = drag.from; state.taps = 0;
      select(drag.from, i);
      setFocus(i, false);
    }, on);
    document.addEventListener("mouseup", function () {
      if (drag && drag.moved) {
        drag.done = true;
        announce(t("selected", {quote: shorten(quoteOf(state.sel[0], state.sel[1]))}));
      } else {
        drag = null;
      }
    }, on);
    container.addEventListener("click", function (event) {
      if (drag && drag.done) { drag = null; return; }  // the end of a drag, not a tap
      drag = null;
      var tok = event.target.closest && event.target.closest("span[data-s]");
      var selection = window.getSelection();
      if (!tok || (selection && !selection.isCollapsed)) { return; }
      var i = tokens.indexOf(tok);
      if (event.shiftKey && state.sel) {
        select(state.anchor === null ? state.sel[0] : state.anchor, i);
      } else if (state.taps === 1 && state.anchor !== null) {
        select(state.anchor, i);
        state.taps = 2;
      } else {
        state.anchor = i; state.taps = 1;
        select(i, i);
      }
      setFocus(i, false);
    }, on);
    document.addEventListener("selectionchange", function () {
      var selection = window.getSelection();
      if (!selection || selection.isCollapsed || !selection.rangeCount) { return; }
      var range = selection.getRangeAt(0);
      if (!container.contains(range.commonAncestorContainer) && !range.intersectsNode(container)) { return; }
      var hit = [];
      tokens.forEach(function (tok, i) { if (range.intersectsNode(tok) && tok.textContent.trim()) { hit.push(i); } });
      if (!hit.length) { return; }
      state.anchor = hit[0]; state.taps = 0;
      select(hit[0], hit[hit.length - 1]);
    }, on);
    addButton.addEventListener("click", function () {
      if (!state.sel) { announce(t("noSelection")); return; }
      commit();
      var selection = window.getSelection();
      if (selection) { selection.removeAllRanges(); }
    });
    clearButton.addEventListener("click", function () { clear(); announce(t("cleared")); });
    list.addEventListener("click", function (event) {
      var row = event.target.closest("[data-span]");
      if (!row) { return; }
      if (event.target.closest("[data-remove-span]")) {
        var after = row.nextElementSibling || row.previousElementSibling;
        if (state.editing === row) { clear(); }
        row.remove();
        renumber(); paint(); saveDraft(form);
        announce(t("removed"));
        (after ? after.querySelector("[data-remove-span]") : addButton).focus();
      } else if (event.target.closest("[data-edit-span]")) {
        var b = bounds(row);
        state.editing = row;
        var first = indexOfOffset(b[0], false), last = indexOfOffset(b[1], true);
        state.anchor = first; state.taps = 0;
        select(first, last);
        setFocus(first, true);
        announce(t("editingSelected", {quote: shorten(quoteOf(first, last))}));
      }
    });

    this.load = function (data) {
      rows().forEach(function (row) { row.remove(); });
      var starts = data.span_start || [], ends = data.span_end || [];
      starts.forEach(function (s, i) {
        var a = indexOfOffset(+s, false), b = indexOfOffset(+ends[i], true);
        addRow(s, ends[i], quoteOf(a, b), (data.span_label || [])[i], (data.span_correction || [])[i]);
      });
      renumber(); paint();
    };
    tokens.forEach(function (tok, i) { tok.tabIndex = i === 0 ? 0 : -1; });
    renumber(); paint();
    return self;
  }

  /* ------------------------------------------------------------ grading status */
  function poll(feedback) {
    var url = feedback.dataset.poll, started = Date.now();
    function schedule() {
      var age = Date.now() - started;
      if (age > 10 * 60 * 1000) { feedback.querySelector("[data-status]").textContent = t("slow"); return; }
      window.setTimeout(tick, age > 60 * 1000 ? 10000 : 1500);
    }
    function tick() {
      if (!document.body.contains(feedback)) { return; }
      fetch(url, {credentials: "same-origin", cache: "no-store", headers: {"X-Requested-With": "fetch"}})
        .then(function (reply) {
          if (!reply.ok) { throw new Error(String(reply.status)); }
          var state = reply.headers.get("X-Vigil-State");
          return reply.text().then(function (html) {
            if (state && state !== "submitted") { swap(feedback, html); } else { schedule(); }
          });
        })
        .catch(schedule);
    }
    schedule();
  }
  function swap(feedback, html) {
    var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-feedback]");
    if (!fresh) { return; }
    // The truth about an AI output is said once per case: not again if another question says it.
    fresh.querySelectorAll("[data-truth]").forEach(function (truth) {
      if (document.querySelector("[data-truth='" + truth.dataset.truth + "']")) { truth.remove(); }
    });
    feedback.querySelector("[data-feedback-body]").replaceWith(document.importNode(fresh.querySelector("[data-feedback-body]"), true));
    feedback.querySelector("[data-status]").textContent = fresh.querySelector("[data-status]").textContent;
    feedback.className = fresh.className;
    feedback.dataset.state = fresh.dataset.state;
    feedback.removeAttribute("data-poll");
  }

  /* ------------------------------------------------------------ small widgets */
  function decisionForm(form) {
    var override = form.querySelector("[data-override]");
    function sync() {
      var chosen = form.querySelector("input[name=decision]:checked");
      override.disabled = !!chosen && chosen.value === "accept";
    }
    form.addEventListener("change", sync);
    sync();
  }
  function confidence(input) {
    var output = input.parentNode.querySelector("[data-confidence-output]");
    function sync() { output.textContent = input.value + "%"; }
    input.addEventListener("input", sync);
    sync();
  }
  function wordCount(textarea) {
    var hint = textarea.form.querySelector("[data-word-count]");
    if (!hint || !hint.dataset.max) { return; }
    var max = +hint.dataset.max;
    var original = hint.textContent;
    function sync() {
      var n = (textarea.value.match(/\S+/g) || []).length;
      hint.textContent = n ? t(n > max ? "tooManyWords" : "words", {n: n, max: max}) : original;
      hint.classList.toggle("error", n > max);
    }
    textarea.addEventListener("input", sync);
    sync();
  }
  function imageLayers(figure) {
    var buttons = figure.querySelector("[data-layer-buttons]");
    if (!buttons) { return; }
    buttons.hidden = false;
    buttons.addEventListener("click", function (event) {
      var button = event.target.closest("[data-toggle]");
      if (!button) { return; }
      var on = button.getAttribute("aria-pressed") !== "true";
      button.setAttribute("aria-pressed", on ? "true" : "false");
      var layer = figure.querySelector("[data-layer=" + button.dataset.toggle + "]");
      if (on) { layer.removeAttribute("hidden"); } else { layer.setAttribute("hidden", ""); }
    });
  }

  /* ------------------------------------------------------------ start */
  function init(root, restoreDrafts) {
    root.querySelectorAll("section.item[data-answered]").forEach(function (section) { clearDraft(section.dataset.draftKey); });
    root.querySelectorAll("form[data-answer-form]").forEach(function (form) {
      if (form.dataset.spanForm) { form.spanWidget = new SpanWidget(form); }
      if (form.hasAttribute("data-decision-form")) { decisionForm(form); }
      form.querySelectorAll("[data-confidence]").forEach(confidence);
      form.querySelectorAll("textarea").forEach(wordCount);
      enhanceForm(form);
      var draft = restoreDrafts && readDraft(form.dataset.draft);
      if (draft && !same(draft, collect(form))) {
        restore(form, draft);
        var status = form.querySelector("[data-form-status]");
        status.textContent = t("restored");
      }
    });
    root.querySelectorAll("[data-feedback][data-poll]").forEach(poll);
    root.querySelectorAll("[data-image]").forEach(imageLayers);
  }

  init(document, true);
  var target = window.location.hash && document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  } else if (target) {
    target.scrollIntoView();
    target.focus({preventScroll: true});
  }
  if ("scrollRestoration" in history) { history.scrollRestoration = "auto"; }
}());
