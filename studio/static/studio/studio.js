/* Vigil authoring studio: small progressive enhancements, vanilla JavaScript.
 *
 * Every page works without this script (rows of numbers, plain text areas); with it:
 * - a live, sanitised Markdown preview under each Markdown text area (rendered by the server);
 * - "Add a row" buttons for row editors (options, spans, criteria, boxes…);
 * - marking error spans by selecting text: the selection becomes character offsets
 *   (Unicode code points, as the server counts them) in a new span row;
 * - drawing the AI's boxes on an image with the pointer;
 * - a progress bar that polls a job (a regrade, an import): its own data-progress-format, else the regrade's.
 */
(function () {
  "use strict";

  var strings = {};
  var stringsEl = document.getElementById("studio-strings");
  if (stringsEl) { strings = stringsEl.dataset; }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) { return input.value; }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function announce(message) {
    var live = document.getElementById("studio-live");
    if (live) { live.textContent = ""; window.setTimeout(function () { live.textContent = message; }, 30); }
  }

  function format(template, values) {
    return (template || "").replace(/%\((\w+)\)s/g, function (_m, name) { return values[name]; });
  }

  /* ------------------------------------------------------------ Markdown preview */

  function markdownPreviews() {
    var holder = document.body.querySelector("[data-markdown-url]");
    var url = holder ? holder.getAttribute("data-markdown-url") : null;
    var version = holder ? holder.getAttribute("data-markdown-version") : "";
    if (!url) { return; }
    document.querySelectorAll("textarea[data-markdown]").forEach(function (area) {
      var box = document.createElement("div");
      box.className = "markdown-preview";
      box.setAttribute("aria-live", "polite");
      box.setAttribute("data-label", strings.preview || "Preview");
      box.id = area.id + "-preview";
      area.setAttribute("aria-describedby", ((area.getAttribute("aria-describedby") || "") + " " + box.id).trim());
      area.insertAdjacentElement("afterend", box);
      var timer = null;
      function update() {
        var body = new URLSearchParams();
        body.set("text", area.value);
        if (version) { body.set("version", version); } // so the version's images show
        fetch(url, {
          method: "POST", credentials: "same-origin", body: body,
          headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/x-www-form-urlencoded" }
        }).then(function (r) { return r.ok || r.status === 400 ? r.text() : ""; }).then(function (html) {
          box.innerHTML = html; // sanitised by the server (nh3), as trainees will see it
        }).catch(function () {});
      }
      area.addEventListener("input", function () { window.clearTimeout(timer); timer = window.setTimeout(update, 300); });
      update();
    });
  }

  /* ------------------------------------------------------------ row editors */

  function rowIndex(row, prefix) {
    var field = row.querySelector("[name^='" + prefix + "-']");
    if (!field) { return -1; }
    var m = field.name.match(new RegExp("^" + prefix + "-(\\d+)-"));
    return m ? parseInt(m[1], 10) : -1;
  }

  function addRow(prefix) {
    var table = document.querySelector("table[data-rows='" + prefix + "']");
    if (!table) { return null; }
    var body = table.tBodies[0];
    var rows = body.querySelectorAll("tr");
    var template = rows[rows.length - 1];
    var next = 0;
    rows.forEach(function (r) { next = Math.max(next, rowIndex(r, prefix) + 1); });
    var clone = template.cloneNode(true);
    var pattern = new RegExp("^" + prefix + "-\\d+-");
    clone.querySelectorAll("[name], [id], label[for]").forEach(function (el) {
      ["name", "id", "for"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value && pattern.test(value)) { el.setAttribute(attr, value.replace(pattern, prefix + "-" + next + "-")); }
      });
      if (el.hasAttribute("data-index-value")) { el.value = String(next); el.checked = false; }
      else if (el.tagName === "INPUT" && (el.type === "checkbox" || el.type === "radio")) { el.checked = false; }
      else if (el.tagName === "SELECT") { el.selectedIndex = el.hasAttribute("data-keep") ? el.selectedIndex : 0; }
      else if (el.tagName === "INPUT" || el.tagName === "TEXTAREA") { el.value = ""; }
    });
    clone.querySelectorAll("[data-excerpt]").forEach(function (el) { el.textContent = ""; });
    clone.querySelectorAll(".row-errors").forEach(function (el) { el.remove(); });
    clone.querySelectorAll("[data-row-number]").forEach(function (el) { el.textContent = String(rows.length + 1); });
    // Accessible names carry the row's number ("Span 2 end"): give the new row its own.
    var oldNumber = new RegExp("\\b" + rows.length + "\\b");
    clone.querySelectorAll("[aria-label]").forEach(function (el) {
      el.setAttribute("aria-label", el.getAttribute("aria-label").replace(oldNumber, String(rows.length + 1)));
    });
    body.appendChild(clone);
    return clone;
  }

  function rowButtons() {
    document.querySelectorAll("button[data-add-row]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var row = addRow(button.getAttribute("data-add-row"));
        var first = row && row.querySelector("input:not([type=hidden]), textarea, select");
        if (first) { first.focus(); }
        document.dispatchEvent(new CustomEvent("studio:rows", { detail: button.getAttribute("data-add-row") }));
      });
    });
  }

  /* ------------------------------------------------------------ span marking */

  function codePoints(text) { return Array.from(text).length; }

  function SpanMarker(root) {
    this.root = root;
    this.prefix = root.getAttribute("data-prefix");
    this.mode = root.getAttribute("data-mode") || "key";
    this.textEl = root.querySelector(".span-text");
    this.table = document.querySelector("table[data-rows='" + this.prefix + "']");
    var select = root.getAttribute("data-artifact-select");
    this.select = select ? document.querySelector(select) : null;
    var source = document.getElementById(root.getAttribute("data-texts"));
    this.texts = source ? JSON.parse(source.textContent) : {};
    this.text = "";
    var self = this;
    this.pickText();
    if (this.select) { this.select.addEventListener("change", function () { self.pickText(); self.render(); }); }
    if (this.table) {
      this.table.addEventListener("input", function () { self.render(); });
      this.table.addEventListener("change", function () { self.render(); });
    }
    document.addEventListener("studio:rows", function () { self.render(); });
    var button = root.querySelector("[data-mark-selection]");
    if (button) {
      button.hidden = false;
      // Keep the selection: the button must not take it away on mouse down.
      button.addEventListener("mousedown", function (e) { e.preventDefault(); });
      button.addEventListener("click", function () { self.markSelection(); });
    }
    this.render();
  }

  SpanMarker.prototype.pickText = function () {
    var key = this.select ? this.select.value : (this.root.getAttribute("data-text-key") || "");
    var text = this.texts[key];
    this.text = typeof text === "string" ? text : "";
    this.root.hidden = !this.text && this.mode === "key" && !!this.select;
  };

  SpanMarker.prototype.rows = function () {
    if (!this.table) { return []; }
    var prefix = this.prefix;
    return Array.prototype.map.call(this.table.tBodies[0].querySelectorAll("tr"), function (row) {
      // Numbered rows (spans-0-start) in the editors; repeated names (span_start) in the preview,
      // which posts the trainee page's fields.
      var get = function (name) {
        return row.querySelector("[name$='-" + name + "'][name^='" + prefix + "-']") ||
          row.querySelector("[name='" + prefix + "_" + name + "']");
      };
      return { row: row, start: get("start"), end: get("end"), severity: get("severity") };
    });
  };

  SpanMarker.prototype.render = function () {
    var chars = Array.from(this.text);
    var spans = [];
    var mode = this.mode;
    this.rows().forEach(function (r, i) {
      var s = parseInt(r.start && r.start.value, 10), e = parseInt(r.end && r.end.value, 10);
      var excerpt = r.row.querySelector("[data-excerpt]");
      if (!isNaN(s) && !isNaN(e) && e > s && s >= 0 && e <= chars.length) {
        spans.push({ start: s, end: e, n: i + 1, major: r.severity && r.severity.value === "major" });
        if (excerpt) { excerpt.textContent = "“" + chars.slice(s, e).join("") + "”"; }
      } else if (excerpt) { excerpt.textContent = ""; }
    });
    spans.sort(function (a, b) { return a.start - b.start; });
    var el = this.textEl;
    el.textContent = "";
    var at = 0;
    spans.forEach(function (span) {
      var start = Math.max(span.start, at);
      if (start > at) { el.appendChild(document.createTextNode(chars.slice(at, start).join(""))); }
      if (span.end > start) {
        var mark = document.createElement("mark");
        mark.className = mode === "answer" ? "answer" : (span.major ? "major" : "");
        mark.title = "#" + span.n;
        mark.textContent = chars.slice(start, span.end).join("");
        el.appendChild(mark);
        at = span.end;
      }
    });
    if (at < chars.length) { el.appendChild(document.createTextNode(chars.slice(at).join(""))); }
  };

  SpanMarker.prototype.offset = function (node, offset) {
    if (!this.textEl.contains(node)) {
      // The selection goes beyond the text: clamp to its start or end.
      var position = this.textEl.compareDocumentPosition(node);
      return (position & Node.DOCUMENT_POSITION_PRECEDING) ? 0 : codePoints(this.text);
    }
    var range = document.createRange();
    range.setStart(this.textEl, 0);
    range.setEnd(node, offset);
    return codePoints(range.toString());
  };

  SpanMarker.prototype.markSelection = function () {
    var selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
      announce(strings.selectFirst || "Select some text first.");
      return;
    }
    var range = selection.getRangeAt(0);
    var start = this.offset(range.startContainer, range.startOffset);
    var end = this.offset(range.endContainer, range.endOffset);
    var chars = Array.from(this.text);
    while (start < end && /\s/.test(chars[start])) { start += 1; }
    while (end > start && /\s/.test(chars[end - 1])) { end -= 1; }
    if (end <= start) { announce(strings.selectFirst || "Select some text first."); return; }
    var target = null;
    this.rows().forEach(function (r) {
      if (!target && r.start && r.end && !r.start.value && !r.end.value) { target = r; }
    });
    if (!target) {
      addRow(this.prefix);
      var all = this.rows();
      target = all[all.length - 1];
    }
    target.start.value = String(start);
    target.end.value = String(end);
    selection.removeAllRanges();
    this.render();
    var focus = target.row.querySelector("select");
    if (focus) { focus.focus(); }
    announce(format(strings.spanAdded || "Span added: characters %(start)s to %(end)s.", { start: start, end: end }));
  };

  /* ------------------------------------------------------------ drawing boxes */

  function BoxDrawer(root) {
    this.root = root;
    this.img = root.querySelector("img");
    this.prefix = root.getAttribute("data-prefix");
    this.table = document.querySelector("table[data-rows='" + this.prefix + "']");
    this.width = document.querySelector(root.getAttribute("data-width"));
    this.height = document.querySelector(root.getAttribute("data-height"));
    var self = this;
    this.drag = null;
    root.addEventListener("pointerdown", function (e) { self.down(e); });
    root.addEventListener("pointermove", function (e) { self.move(e); });
    root.addEventListener("pointerup", function (e) { self.up(e); });
    if (this.table) { this.table.addEventListener("input", function () { self.render(); }); }
    [this.width, this.height].forEach(function (input) { if (input) { input.addEventListener("input", function () { self.render(); }); } });
    document.addEventListener("studio:rows", function () { self.render(); });
    if (this.img.complete) { this.render(); } else { this.img.addEventListener("load", function () { self.render(); }); }
    window.addEventListener("resize", function () { self.render(); });
  }

  BoxDrawer.prototype.scale = function () {
    var w = parseFloat(this.width && this.width.value) || this.img.naturalWidth || 1;
    return w / (this.img.clientWidth || 1);
  };

  BoxDrawer.prototype.point = function (e) {
    var rect = this.img.getBoundingClientRect();
    var x = Math.min(Math.max(e.clientX - rect.left, 0), rect.width);
    var y = Math.min(Math.max(e.clientY - rect.top, 0), rect.height);
    return { x: x, y: y };
  };

  BoxDrawer.prototype.down = function (e) {
    if (e.button !== 0) { return; }
    this.drag = { from: this.point(e), box: document.createElement("div") };
    this.drag.box.className = "box";
    this.root.appendChild(this.drag.box);
    this.root.setPointerCapture(e.pointerId);
    e.preventDefault();
  };

  BoxDrawer.prototype.move = function (e) {
    if (!this.drag) { return; }
    var p = this.point(e), f = this.drag.from, b = this.drag.box;
    b.style.left = Math.min(p.x, f.x) + "px"; b.style.top = Math.min(p.y, f.y) + "px";
    b.style.width = Math.abs(p.x - f.x) + "px"; b.style.height = Math.abs(p.y - f.y) + "px";
  };

  BoxDrawer.prototype.up = function (e) {
    if (!this.drag) { return; }
    var p = this.point(e), f = this.drag.from, s = this.scale();
    this.drag.box.remove();
    this.drag = null;
    var w = Math.abs(p.x - f.x) * s, h = Math.abs(p.y - f.y) * s;
    if (w < 2 || h < 2) { return; }
    var rows = this.table.tBodies[0].querySelectorAll("tr");
    var target = null, prefix = this.prefix;
    rows.forEach(function (row) {
      var x = row.querySelector("[name$='-x'][name^='" + prefix + "-']");
      if (!target && x && !x.value) { target = row; }
    });
    if (!target) { target = addRow(this.prefix); }
    var set = function (name, value) {
      var input = target.querySelector("[name$='-" + name + "'][name^='" + prefix + "-']");
      if (input) { input.value = String(Math.round(value)); }
    };
    set("x", Math.min(p.x, f.x) * s); set("y", Math.min(p.y, f.y) * s); set("w", w); set("h", h);
    this.render();
    var label = target.querySelector("[name$='-label']");
    if (label) { label.focus(); }
    announce(strings.boxAdded || "Box added.");
  };

  BoxDrawer.prototype.render = function () {
    var root = this.root, s = this.scale(), prefix = this.prefix;
    root.querySelectorAll(".box").forEach(function (b) { b.remove(); });
    if (!this.table) { return; }
    this.table.tBodies[0].querySelectorAll("tr").forEach(function (row, i) {
      var v = function (name) {
        var input = row.querySelector("[name$='-" + name + "'][name^='" + prefix + "-']");
        return input ? parseFloat(input.value) : NaN;
      };
      var x = v("x"), y = v("y"), w = v("w"), h = v("h");
      if ([x, y, w, h].some(isNaN)) { return; }
      var box = document.createElement("div");
      box.className = "box";
      box.style.left = x / s + "px"; box.style.top = y / s + "px";
      box.style.width = w / s + "px"; box.style.height = h / s + "px";
      var tag = document.createElement("span");
      var label = row.querySelector("[name$='-label']");
      tag.textContent = (i + 1) + (label && label.value ? " " + label.value : "");
      box.appendChild(tag);
      root.appendChild(box);
    });
  };

  /* ------------------------------------------------------------ regrade progress */

  function pollers() {
    document.querySelectorAll("[data-poll-url]").forEach(function (el) {
      var url = el.getAttribute("data-poll-url");
      var initial = el.getAttribute("data-status");
      var bar = el.querySelector("progress");
      var text = el.querySelector("[data-progress-text]");
      var template = el.getAttribute("data-progress-format");
      function tick() {
        fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (r) { return r.json(); })
          .then(function (data) {
            if (bar) { bar.max = Math.max(data.total, 1); bar.value = Math.min(data.processed, bar.max); }
            if (text) {
              text.textContent = format(template || strings.progress || "%(processed)s of %(total)s answers done; %(changed)s grades changed.", data);
            }
            if (data.status !== initial) { window.location.reload(); return; }
            window.setTimeout(tick, 1500);
          })
          .catch(function () { window.setTimeout(tick, 5000); });
      }
      window.setTimeout(tick, 1000);
    });
  }

  function init() {
    markdownPreviews();
    rowButtons();
    document.querySelectorAll("[data-span-marker]").forEach(function (el) { new SpanMarker(el); });
    document.querySelectorAll("[data-box-drawer]").forEach(function (el) { new BoxDrawer(el); });
    pollers();
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
}());
