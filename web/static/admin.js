// The admin pages: the import's progress bar while the import runs, and
// the definitions editor's problems, each taking the cursor to its line.
"use strict";

(function () {
  var run = document.getElementById("import-run");
  if (run && window.fetch) {
    run.addEventListener("submit", function (e) {
      e.preventDefault();
      var box = run.querySelector(".progress"), bar = box.querySelector("progress"), note = box.querySelector("span");
      var button = run.querySelector("button");
      box.hidden = false;
      button.disabled = true;
      var finished = false;
      function poll() {
        if (finished) return;
        fetch(run.dataset.progress, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (p) {
          bar.max = p.size || 1;
          bar.value = Math.min(p.read, bar.max);
          note.textContent = "Read " + Math.min(100, Math.round(100 * p.read / (p.size || 1))) + " % of the file";
          if (!finished) setTimeout(poll, 300);
        }).catch(function () { if (!finished) setTimeout(poll, 1000); });
      }
      poll();
      fetch(run.action, { method: "POST", credentials: "same-origin", body: new URLSearchParams(new FormData(run)) }).then(function (r) {
        finished = true;
        bar.value = bar.max;
        window.location.href = r.url || run.action;
      }).catch(function () {
        finished = true;
        note.textContent = "The import could not be sent; try again.";
        button.disabled = false;
      });
    });
  }

  var yaml = document.getElementById("yaml");
  if (yaml) {
    // Show the first problem's line in the editor.
    var first = document.querySelector("[data-goto]");
    var lh = function () { return parseFloat(getComputedStyle(yaml).lineHeight) || 19; };
    if (first && parseInt(first.dataset.goto, 10)) yaml.scrollTop = Math.max(0, (parseInt(first.dataset.goto, 10) - 5) * lh());
    document.querySelectorAll("[data-goto]").forEach(function (a) {
      a.addEventListener("click", function (e) {
        var n = parseInt(a.dataset.goto, 10);
        if (!n) return;
        e.preventDefault();
        var lines = yaml.value.split("\n"), start = 0;
        for (var i = 0; i < n - 1 && i < lines.length; i++) start += lines[i].length + 1;
        var end = start + (lines[n - 1] || "").length;
        yaml.focus();
        yaml.setSelectionRange(start, end);
        yaml.scrollTop = Math.max(0, (n - 5) * lh());
      });
    });
  }
})();
