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
          var links = card.querySelector("[data-job-links]");
          if (links && job.links && job.links.length) {
            links.textContent = "";
            job.links.forEach(function (link) {
              var li = document.createElement("li");
              li.className = "list-inline-item";
              var a = document.createElement("a");
              a.className = "btn btn-sm btn-outline-primary";
              a.href = link.url;
              a.textContent = link.label;
              li.appendChild(a);
              links.appendChild(li);
            });
          }
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
// Household pickers: a household-number field with data-household-pick offers the households whose
// member's name (张三, zhangsan, zs), ID number tail or number matches what is typed (households.search).
(function () {
  document.querySelectorAll("input[data-household-pick]").forEach(function (input, index) {
    var list = document.createElement("datalist");
    list.id = "household-pick-" + index;
    input.setAttribute("list", list.id);
    input.parentNode.appendChild(list);
    var timer = null;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { return; }
      timer = setTimeout(function () {
        var url = input.getAttribute("data-household-pick") + "?page_size=10&q=" + encodeURIComponent(q);
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { results: [] }; })
          .then(function (body) {
            list.textContent = "";
            (body.results || []).forEach(function (h) {
              var option = document.createElement("option");
              option.value = h.number;
              option.label = [h.head_name, h.township_name, h.village_name].filter(Boolean).join(" · ");
              list.appendChild(option);
            });
          });
      }, 250);
    });
  });
})();

// A select marked data-autosubmit sends its form when changed (the language switch).
document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});

// A bar marked data-percent="40" is drawn 40% wide (set here: the Content-Security-Policy refuses
// style="" in the page); a button marked data-print prints the page, one marked data-back goes back.
document.querySelectorAll("[data-percent]").forEach(function (bar) {
  bar.style.width = bar.getAttribute("data-percent") + "%";
});
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
document.querySelectorAll("[data-back]").forEach(function (button) {
  button.addEventListener("click", function () { window.history.back(); });
});
