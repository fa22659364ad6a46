// The what-if panel of a bonus statement: as the actuals change, the
// script asks the what-if API (with the session's CSRF token, as every
// change sent with the cookie must carry) and shows the new payout and the
// lines that change, written the way the server writes money. Without the
// script the panel is a form the server answers.
"use strict";

(function () {
  // Exact decimals as strings: a BigInt of units and a scale, so what is
  // added and shown is never a float.
  function parse(s) {
    var m = /^\s*(-?)(\d*)(?:\.(\d*))?\s*$/.exec(s);
    if (!m || (m[2] === "" && (m[3] || "") === "")) return null;
    var frac = m[3] || "";
    var n = BigInt((m[2] || "0") + frac);
    return { n: m[1] ? -n : n, scale: frac.length };
  }
  function rescale(d, scale) {
    return { n: d.n * (10n ** BigInt(scale - d.scale)), scale: scale };
  }
  function add(a, b) {
    var s = Math.max(a.scale, b.scale);
    return { n: rescale(a, s).n + rescale(b, s).n, scale: s };
  }
  function str(d) {
    var neg = d.n < 0n, digits = (neg ? -d.n : d.n).toString();
    while (digits.length <= d.scale) digits = "0" + digits;
    var whole = digits.slice(0, digits.length - d.scale), frac = digits.slice(digits.length - d.scale);
    return (neg ? "-" : "") + whole + (d.scale ? "." + frac : "");
  }
  // round to places, half to even, as the server's formatter does.
  function round(d, places) {
    if (d.scale <= places) return rescale(d, places);
    var div = 10n ** BigInt(d.scale - places);
    var neg = d.n < 0n, n = neg ? -d.n : d.n;
    var q = n / div, r = n % div, half = div / 2n;
    if (r > half || (r === half && q % 2n === 1n)) q += 1n;
    return { n: neg ? -q : q, scale: places };
  }

  function Format(el) {
    this.group = el.dataset.group;
    this.dec = el.dataset.decimal;
    this.symbol = el.dataset.symbol;
    this.first = el.dataset.symbolFirst === "true";
  }
  Format.prototype.number = function (s, places) {
    var d = round(parse(s), places), t = str(d), neg = t.charAt(0) === "-";
    if (neg) t = t.slice(1);
    var parts = t.split("."), whole = parts[0], out = "";
    for (var i = 0; i < whole.length; i++) {
      if (i > 0 && (whole.length - i) % 3 === 0) out += this.group;
      out += whole.charAt(i);
    }
    if (parts.length > 1) out += this.dec + parts[1];
    if (neg && /[1-9]/.test(t)) out = "\u2212" + out;
    return out;
  };
  Format.prototype.money = function (s) {
    var n = this.number(s, 2);
    if (!this.symbol) return n;
    if (this.first) return n.charAt(0) === "\u2212" ? "\u2212" + this.symbol + n.slice(1) : this.symbol + n;
    return n + "\u00a0" + this.symbol;
  };
  Format.prototype.line = function (s, unit) {
    if (unit === "money") return this.money(s);
    if (unit === "percent") return this.number(s, 2) + "\u00a0%";
    var d = parse(s);
    return round(d, 0).n * (10n ** BigInt(d.scale)) === d.n ? this.number(s, 0) : this.number(s, 2);
  };

  function whatIf(form) {
    var f = new Format(form);
    var csrf = form.querySelector("input[name=csrf]").value;
    var inputs = Array.prototype.slice.call(form.querySelectorAll("input[data-actual]"));
    var payout = document.getElementById("whatif-payout");
    var delta = document.getElementById("whatif-delta");
    var score = document.getElementById("whatif-score");
    var lines = document.getElementById("whatif-lines");
    var timer, seq = 0;

    function fieldError(input, msg) {
      var el = document.getElementById("wi-err-" + input.name.slice(4));
      el.textContent = msg || "";
      el.hidden = !msg;
      if (msg) input.setAttribute("aria-invalid", "true"); else input.removeAttribute("aria-invalid");
    }
    function show(p, d, rows, sc) {
      payout.textContent = f.money(p);
      payout.dataset.value = p;
      var dd = parse(d);
      delta.textContent = (dd.n > 0n ? "+" : "") + f.money(d);
      delta.dataset.value = d;
      score.textContent = sc || "";
      lines.innerHTML = "";
      rows.forEach(function (r) {
        var tr = document.createElement("tr");
        [r.label, r.was, r.now].forEach(function (t, i) {
          var td = document.createElement("td");
          if (i) td.className = "num";
          td.textContent = t;
          tr.appendChild(td);
        });
        lines.appendChild(tr);
      });
      form.dataset.state = "done";
    }
    function send() {
      var changes = [], bad = false;
      inputs.forEach(function (input) {
        var v = input.value.trim();
        fieldError(input, "");
        if (v === input.dataset.actual) return;
        if (!parse(v) || v.length > 40) {
          fieldError(input, "\u201c" + v + "\u201d is not a number; write it like 12 or 1500.50.");
          bad = true;
          return;
        }
        changes.push({ kpi: input.name.slice(4), set: str(parse(v)) });
      });
      if (bad) return;
      var mine = ++seq;
      form.dataset.state = "busy";
      if (!changes.length) {
        show(form.dataset.payout, "0", [], "");
        return;
      }
      fetch(form.dataset.api, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify({ changes: changes })
      }).then(function (r) {
        return r.json().then(function (body) { return { ok: r.ok, body: body }; });
      }).then(function (res) {
        if (mine !== seq) return; // a later change is on its way
        if (!res.ok) {
          var msg = (res.body.error && res.body.error.message) || "The what-if failed.";
          var at = inputs.filter(function (i) { return msg.indexOf(i.name.slice(4)) >= 0 && i.value.trim() !== i.dataset.actual; })[0];
          fieldError(at || inputs[0], msg);
          form.dataset.state = "error";
          return;
        }
        var b = res.body, secs = b.statement.sections;
        var base = secs[secs.length - 1].statement.lines, rows = [];
        var was = {};
        base.forEach(function (l) { was[l.id] = l; });
        b.what_if.lines.forEach(function (l) {
          var w = was[l.id];
          if (!w) rows.push({ label: l.label, was: "\u2013", now: f.line(l.result, l.unit) });
          else if (str(round(parse(w.result), 12)) !== str(round(parse(l.result), 12))) rows.push({ label: l.label, was: f.line(w.result, w.unit), now: f.line(l.result, l.unit) });
        });
        var sc = b.score ? "\u00b7 score " + f.number(b.score.was, 2) + " \u2192 " + f.number(b.score.score, 2) + " (" + b.score.rule + ")" : "";
        show(b.payout, b.delta, rows, sc);
      }).catch(function () { form.dataset.state = "error"; });
    }
    function later() { clearTimeout(timer); timer = setTimeout(send, 250); }

    form.querySelectorAll("button[data-delta]").forEach(function (btn) {
      btn.hidden = false;
      btn.addEventListener("click", function () {
        var input = btn.parentNode.querySelector("input");
        var v = parse(input.value) || parse(input.dataset.actual);
        var next = add(v, parse(btn.dataset.delta));
        if (next.n < 0n) next = { n: 0n, scale: 0 };
        input.value = str(next);
        later();
      });
    });
    form.addEventListener("input", later);
    form.addEventListener("reset", function () { setTimeout(send, 0); });
    form.addEventListener("submit", function (e) { e.preventDefault(); clearTimeout(timer); send(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("whatif");
    if (form && window.fetch && window.BigInt) whatIf(form);
  });
})();
