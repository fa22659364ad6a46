// Attain's one script: what must move in the browser. Every page works
// without it; it sorts tables, keeps numbers current and sends forms that
// recompute as they change.
"use strict";

// Tables with class "sortable": a click (or Enter) on a column head sorts
// by that column; cells sort by data-value when they have one.
function sortable(table) {
  table.querySelectorAll("th[data-sort]").forEach(function (th, col) {
    th.tabIndex = 0;
    function sort() {
      var idx = Array.prototype.indexOf.call(th.parentNode.children, th);
      var asc = th.getAttribute("aria-sort") !== "ascending";
      table.querySelectorAll("th[aria-sort]").forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var numeric = th.dataset.sort === "number";
      rows.sort(function (a, b) {
        var x = key(a.cells[idx]), y = key(b.cells[idx]);
        if (numeric) {
          x = x === "" ? -Infinity : parseFloat(x);
          y = y === "" ? -Infinity : parseFloat(y);
          return asc ? x - y : y - x;
        }
        return asc ? x.localeCompare(y) : y.localeCompare(x);
      });
      rows.forEach(function (r) { body.appendChild(r); });
    }
    th.addEventListener("click", sort);
    th.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sort(); } });
  });
  function key(cell) {
    if (!cell) return "";
    return cell.dataset.value !== undefined ? cell.dataset.value : cell.textContent.trim();
  }
}

// Live numbers: the page names the versions it was computed from; every
// 15 seconds the script asks whether they moved and, if so, reloads the
// page (in TV mode) or offers to (elsewhere), keeping the scroll position.
function live(el) {
  var url = el.dataset.live, seen = el.dataset.versions;
  function check() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (v) {
        if (!v) return;
        var now = [v.records, v.definitions, v.org].join(".");
        if (now === seen) return;
        if (document.body.classList.contains("tv") || el.dataset.auto === "1") {
          sessionStorage.setItem("attain-scroll", String(window.scrollY));
          location.reload();
          return;
        }
        el.classList.add("moved");
        el.innerHTML = "";
        var a = document.createElement("a");
        a.href = location.href;
        a.textContent = "New numbers are in: refresh";
        el.appendChild(a);
      })
      .catch(function () {});
  }
  setInterval(check, 15000);
}

// Forms with data-recompute: every change re-sends the form (debounced)
// and puts the answer's fragment in place of the element data-target
// names; the server renders the same fragment a plain submit shows.
function recompute(form) {
  var timer;
  var target = document.getElementById(form.dataset.recompute);
  function send() {
    var data = new FormData(form);
    var q = new URLSearchParams(data).toString();
    fetch(form.action + (form.action.indexOf("?") < 0 ? "?" : "&") + q + "&fragment=1", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (html) { target.innerHTML = html; })
      .catch(function () {});
  }
  form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(send, 250); });
}

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("table.sortable").forEach(sortable);
  document.querySelectorAll("[data-live]").forEach(live);
  document.querySelectorAll("form[data-recompute]").forEach(recompute);
  var y = sessionStorage.getItem("attain-scroll");
  if (y !== null) { sessionStorage.removeItem("attain-scroll"); window.scrollTo(0, parseInt(y, 10)); }
});
