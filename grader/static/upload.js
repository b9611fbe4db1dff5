// Upload screenshots one request per file (per-file progress on a weak connection), then
// poll for the checker's verdicts until nothing is pending.
(function () {
  var form = document.getElementById("upload-form");
  if (!form) return;
  var V = document.getElementById("verdict-words").dataset, list = document.getElementById("progress");
  var token = form.querySelector("[name=csrf_token]").value;

  function row(text) { var li = document.createElement("li"); li.textContent = text; list.appendChild(li); return li; }

  function send(file) {
    return new Promise(function (resolve) {
      var li = row(file.name + " — " + V.uploading + " 0%");
      var fd = new FormData(); fd.append("files", file);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.dataset.url);
      xhr.setRequestHeader("X-CSRFToken", token);
      xhr.upload.onprogress = function (e) { if (e.lengthComputable) li.textContent = file.name + " — " + V.uploading + " " + Math.round(100 * e.loaded / e.total) + "%"; };
      xhr.onload = function () {
        var data = {}; try { data = JSON.parse(xhr.responseText); } catch (err) {}
        if (xhr.status !== 200) { li.textContent = file.name + " — " + V.failed + " " + (data.error || xhr.status); li.className = "item-reject"; return resolve(); }
        // One line per file the request held (a ZIP holds many): the first reuses the progress line.
        var used = false;
        function line() { if (used) return row(""); used = true; return li; }
        (data.items || []).forEach(function (it) { var l = line(); l.textContent = describe(it); l.dataset.id = it.id; l.className = "item-" + it.status; });
        (data.known || []).forEach(function (it) { var l = line(); l.textContent = it.file + " — " + V.duplicate.replace("%s", it.id) + V.open + describe(it).split(" — ").pop() + V.close; l.dataset.id = it.id; l.className = "item-" + it.status + " duplicate"; });
        (data.refused || []).forEach(function (r) { var l = line(); l.textContent = r.file + " — " + V.skipped + V.colon + r.reasons.join(V.semi); l.className = "item-reject"; });
        if (data.counts) counter(data.counts);
        resolve();
      };
      xhr.onerror = function () { li.textContent = file.name + " — " + V.failed; resolve(); };
      xhr.send(fd);
    });
  }

  // A person's decision (and note) replaces the machine's reasons.
  function describe(it) {
    if (it.decided) return it.file + " — " + it.decided + (it.note ? V.colon + it.note : "");
    return it.file + " — " + V[it.status] + (it.reasons.length ? V.colon + it.reasons.join(V.semi) : "");
  }

  function counter(c) {
    document.querySelector("[data-k=accept]").textContent = c.accept;
    document.querySelector("[data-k=pending]").textContent = c.pending + c.review;
    document.querySelector("[data-k=reject]").textContent = c.reject;
  }

  function poll() {
    fetch(form.dataset.status, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (data) {
      counter(data.counts);
      data.items.forEach(function (it) {
        var text = describe(it);
        document.querySelectorAll("#progress li[data-id='" + it.id + "'], #items li[data-id='" + it.id + "']").forEach(function (li) {
          if (li.classList.contains("duplicate")) return;  // still says which earlier one it repeats
          li.textContent = (li.parentNode.id === "items" ? "#" + it.id + " " : "") + text; li.className = "item-" + it.status;
        });
      });
      if (data.counts.pending > 0) setTimeout(poll, 2000);
    });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var files = Array.prototype.slice.call(document.getElementById("files").files);
    var chain = Promise.resolve();
    files.forEach(function (f) { chain = chain.then(function () { return send(f); }); });
    chain.then(poll);
  });
})();
