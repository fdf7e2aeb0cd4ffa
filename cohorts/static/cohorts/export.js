/* An export being prepared: poll its status until it is done or failed, then offer the file.
   The messages come translated in the data- attributes of #export-job. */
(function () {
  "use strict";
  var box = document.getElementById("export-job");
  if (!box || box.dataset.status === "done" || box.dataset.status === "failed") { return; }
  var bar = document.getElementById("export-progress");
  var state = document.getElementById("export-state");
  var download = document.getElementById("export-download");
  var messages = box.dataset;
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (job) {
        bar.value = job.progress;
        bar.textContent = job.progress + "%";
        document.getElementById("export-percent").textContent = job.progress + "%";
        state.textContent = (messages[job.status] || "").replace("{rows}", job.rows).replace("{error}", job.error);
        if (job.status === "done") {
          var link = download.querySelector("a");
          link.href = job.download_url;
          link.textContent = messages.download.replace("{name}", job.filename);
          download.hidden = false;
        } else if (job.status !== "failed") {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 500);
})();
