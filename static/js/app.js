// Polls a job's JSON status and updates its progress bar until it finishes.
(function () {
  document.querySelectorAll("[data-job-url]").forEach(function (card) {
    var url = card.getAttribute("data-job-url");
    function tick() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (job) {
          var bar = card.querySelector("[data-job-bar]");
          if (bar) { bar.style.width = job.percent + "%"; bar.textContent = job.percent + "%"; }
          var status = card.querySelector("[data-job-status]");
          if (status) { status.textContent = job.status_display; }
          var message = card.querySelector("[data-job-message]");
          if (message) { message.textContent = job.message || ""; }
          var error = card.querySelector("[data-job-error]");
          if (error) { error.textContent = job.error || ""; }
          card.setAttribute("data-job-state", job.status);
          if (job.finished) {
            card.dispatchEvent(new CustomEvent("job:finished", { detail: job, bubbles: true }));
            var reload = card.getAttribute("data-job-reload");
            if (reload) { window.location.href = reload; }
          } else { setTimeout(tick, 1000); }
        })
        .catch(function () { setTimeout(tick, 3000); });
    }
    tick();
  });
})();
