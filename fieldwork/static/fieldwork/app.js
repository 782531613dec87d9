// The offline app: households in the user's care, visits, follow-ups and checks recorded on the phone,
// a badge with what waits and the last sync, and the queue where refusals and conflicts are shown.
(function () {
  "use strict";
  var T = JSON.parse(document.getElementById("fw-strings").textContent);
  var CONFIG = JSON.parse(document.getElementById("fw-config").textContent);
  var main = document.getElementById("fw-main");
  var body = document.body;
  var syncing = false;
  var wiped = false;  // revoked: nothing may be written to the phone again until the next sign-in

  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key] === undefined ? "" : values[key]; });
  }
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") { node.textContent = attrs[k]; } else if (k.indexOf("on") === 0) { node.addEventListener(k.slice(2), attrs[k]); } else { node.setAttribute(k, attrs[k]); }
    });
    (children || []).forEach(function (c) { if (c) { node.appendChild(typeof c === "string" ? document.createTextNode(c) : c); } });
    return node;
  }
  function localDate(d) {
    d = d || new Date();
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }
  function when(iso) { return iso ? new Date(iso).toLocaleString("zh-CN", { hour12: false }) : ""; }
  function message(text, kind) {
    var box = document.querySelector("[data-testid=message]");
    box.textContent = text;
    box.className = "fw-message alert m-2 alert-" + (kind || "info") + (text ? "" : " d-none");
  }

  // -- badge -------------------------------------------------------------------------------------
  function refreshBadge() {
    return Promise.all([FieldDB.all("queue"), FieldDB.meta("lastSync")]).then(function (found) {
      var waiting = found[0].filter(function (r) { return r.state === "pending"; }).length;
      var refused = found[0].length - waiting;
      var count = document.querySelector("[data-testid=pending-count]");
      count.textContent = String(waiting);
      count.classList.toggle("d-none", waiting === 0);
      document.querySelector("[data-testid=sync-label]").textContent = syncing ? T.syncing : (waiting ? fmt(T.waiting, { n: "" }).trim() : T.nothing_waiting);
      document.querySelector("[data-testid=sync-badge]").classList.toggle("btn-warning", waiting > 0 || refused > 0);
      document.querySelector("[data-testid=last-sync]").textContent = found[1] ? fmt(T.last_sync, { when: when(found[1]) }) : T.never_synced;
      document.querySelector("[data-testid=net-state]").textContent = navigator.onLine ? T.online : T.offline;
      body.setAttribute("data-waiting", String(waiting));
      return waiting;
    });
  }

  // -- records ------------------------------------------------------------------------------------
  function queue(kind, household, data, photos) {
    var record = { uuid: self.crypto.randomUUID(), kind: kind, household: household, made_at: new Date().toISOString(),
      state: "pending", data: data, photos: photos || [] };
    return FieldDB.put("queue", record).then(refreshBadge).then(function () {
      message(T.saved, "success");
      if (navigator.onLine) { sync(); }
      return record;
    });
  }

  function compress(file, maxSide) {
    return createImageBitmap(file).then(function (bitmap) {
      var scale = Math.min(1, maxSide / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      return new Promise(function (resolve) { canvas.toBlob(resolve, "image/jpeg", 0.7); });
    });
  }

  function limits() {
    return FieldDB.meta("copy").then(function (copy) {
      return (copy && copy.limits) || { PHOTOS_PER_VISIT: 6, PHOTO_MAX_PIXELS: 1600, COPY_EXPIRES_DAYS: 7 };
    });
  }

  // -- views --------------------------------------------------------------------------------------
  function show() {
    main.replaceChildren.apply(main, Array.prototype.filter.call(arguments, Boolean));
  }
  function householdList() {
    return FieldDB.all("households").then(function (households) {
      var search = el("input", { class: "form-control mb-2", type: "search", placeholder: T.search, "data-testid": "search" });
      var list = el("div", { class: "list-group", "data-testid": "household-list" });
      function draw() {
        var q = search.value.trim().toLowerCase().replace(/\s+/g, "");
        list.textContent = "";
        households.filter(function (h) { return !q || h.search.indexOf(q) >= 0; }).forEach(function (h) {
          list.appendChild(el("a", { class: "list-group-item list-group-item-action", href: "#/h/" + h.id, "data-testid": "household" }, [
            el("div", { class: "fw-strong", text: h.head + " · " + h.number }),
            el("div", { class: "small text-secondary", text: h.village + " · " + h.status_display + " · " + h.follow_ups.length + " " + T.follow_ups })
          ]));
        });
      }
      search.addEventListener("input", draw);
      draw();
      show(el("h1", { class: "h5", text: T.households }), search,
        households.length ? list : el("p", { class: "text-secondary", text: T.no_households }),
        el("p", { class: "small text-secondary mt-3", text: T.offline_only_copy }));
    });
  }

  function section(title, children) {
    return el("section", { class: "card mb-2" }, [el("div", { class: "card-body p-2" }, [el("h2", { class: "h6", text: title })].concat(children))]);
  }

  function householdPage(id) {
    return Promise.all([FieldDB.get("households", id), FieldDB.all("queue")]).then(function (found) {
      var h = found[0];
      if (!h) { location.hash = "#/"; return null; }
      var mine = found[1].filter(function (r) { return r.household === h.id; });
      var queuedVisits = mine.filter(function (r) { return r.kind === "visit"; });
      var closing = {};
      mine.forEach(function (r) { if (r.kind === "follow_up_close") { closing[r.data.follow_up] = r; } if (r.kind === "check") { closing["c" + r.data.task] = r; } });
      var members = h.members.map(function (m) {
        return el("li", { text: m.name + "（" + m.relation + "，" + m.sex + "，" + m.birth_year + "）" + m.id_number + " · " + m.health });
      });
      var visits = queuedVisits.map(function (r) {
        return el("div", { class: "fw-queued", "data-testid": "queued-visit" }, [r.data.visited_on + " " + r.data.findings + " · " + (r.state === "pending" ? T.pending : T.refused)]);
      });
      if (h.latest_visit) { visits.push(el("div", { text: h.latest_visit.visited_on + " " + h.latest_visit.visitor + "：" + h.latest_visit.findings })); }
      if (!visits.length) { visits.push(el("div", { class: "text-secondary", text: T.no_visit })); }
      var followUps = h.follow_ups.map(function (f) {
        var row = el("div", { class: "fw-row", "data-testid": "follow-up" }, [el("span", { text: f.description + "（" + fmt(T.due, { date: f.due_date }) + "）" })]);
        if (closing[f.id]) {
          row.appendChild(el("span", { class: "badge text-bg-warning ms-2", text: T.pending }));
        } else {
          var outcome = el("input", { class: "form-control form-control-sm", placeholder: T.close_outcome });
          row.appendChild(outcome);
          row.appendChild(el("button", { type: "button", class: "btn btn-sm btn-outline-success", "data-testid": "close-follow-up", text: T.close, onclick: function () {
            queue("follow_up_close", h.id, { follow_up: f.id, version: f.version, done_on: localDate(), outcome: outcome.value, status: "done", seen_status: h.status })
              .then(function () { return householdPage(id); });
          } }));
        }
        return row;
      });
      queuedVisits.forEach(function (r) {
        (r.data.follow_ups || []).forEach(function (f) { followUps.push(el("div", { class: "text-secondary", text: f.description + "（" + T.new_follow_up_pending + "）" })); });
      });
      var checks = h.checks.map(function (t) {
        var row = el("div", { class: "fw-row", "data-testid": "check" }, [el("span", { text: t.campaign + " · " + t.due_on })]);
        if (closing["c" + t.id]) { row.appendChild(el("span", { class: "badge text-bg-warning ms-2", text: T.pending })); return row; }
        var findings = el("input", { class: "form-control form-control-sm", placeholder: T.check_findings });
        function record(state) {
          queue("check", h.id, { task: t.id, version: t.version, state: state, findings: findings.value, seen_status: h.status })
            .then(function () { return householdPage(id); });
        }
        row.appendChild(findings);
        row.appendChild(el("button", { type: "button", class: "btn btn-sm btn-outline-success", text: T.check_confirm, onclick: function () { record("confirmed"); } }));
        row.appendChild(el("button", { type: "button", class: "btn btn-sm btn-outline-danger", text: T.check_problem, onclick: function () {
          if (!findings.value.trim()) { message(T.check_findings, "warning"); return; }
          record("problem");
        } }));
        return row;
      });
      show(
        el("a", { href: "#/", class: "small", text: "‹ " + T.back }),
        el("h1", { class: "h5 mt-1", "data-testid": "household-title", text: h.head + " · " + h.number }),
        el("div", { class: "small text-secondary mb-2", text: h.township + " " + h.village + " · " + h.status_display + (h.phone ? " · " + h.phone : "") }),
        el("a", { class: "btn btn-primary w-100 mb-2", href: "#/h/" + h.id + "/visit", "data-testid": "log-visit", text: T.log_visit }),
        section(T.latest_visit, visits),
        section(T.follow_ups, followUps.length ? followUps : [el("div", { class: "text-secondary", text: T.no_follow_ups })]),
        h.checks.length ? section(T.checks, checks) : null,
        section(T.members, [el("ul", { class: "mb-0 ps-3" }, members)]),
        section(T.plan, [el("div", { text: h.plan ? h.plan.year + " " + h.plan.status + "：" + h.plan.goals : T.no_plan })]
          .concat(h.measures.map(function (m) { return el("div", { class: "small", text: m.kind + " · " + m.status + " · " + m.start_date + " " + m.description }); })))
      );
      return null;
    });
  }

  function visitForm(id) {
    return Promise.all([FieldDB.get("households", id), limits()]).then(function (found) {
      var h = found[0], lim = found[1];
      if (!h) { location.hash = "#/"; return; }
      var date = el("input", { class: "form-control", type: "date", value: localDate(), max: localDate(), name: "visited_on", "data-testid": "visited-on" });
      var findings = el("textarea", { class: "form-control", rows: "3", name: "findings", "data-testid": "findings" });
      var needs = el("textarea", { class: "form-control", rows: "2", name: "needs", "data-testid": "needs" });
      var followUps = el("div", {});
      function addFollowUp() {
        followUps.appendChild(el("div", { class: "d-flex gap-1 mb-1", "data-follow-up": "" }, [
          el("input", { class: "form-control", placeholder: T.follow_up_new, "data-testid": "follow-up-description" }),
          el("input", { class: "form-control", type: "date", value: localDate(), "data-testid": "follow-up-due" })
        ]));
      }
      var photos = el("input", { class: "form-control", type: "file", accept: "image/*", capture: "environment", multiple: "", "data-testid": "photos" });
      var save = el("button", { type: "submit", class: "btn btn-primary w-100", "data-testid": "save-visit", text: T.save });
      var form = el("form", { class: "d-grid gap-2" }, [
        el("label", { text: T.visited_on }), date,
        el("label", { text: T.findings }), findings,
        el("label", { text: T.needs }), needs,
        followUps,
        el("button", { type: "button", class: "btn btn-outline-secondary btn-sm", "data-testid": "add-follow-up", text: T.add_follow_up, onclick: addFollowUp }),
        el("label", { text: fmt(T.photos, { n: lim.PHOTOS_PER_VISIT }) }), photos,
        save,
        el("a", { class: "btn btn-link", href: "#/h/" + h.id, text: T.cancel })
      ]);
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        if (!findings.value.trim()) { message(T.findings_required, "warning"); return; }
        var files = Array.prototype.slice.call(photos.files || []);
        if (files.length > lim.PHOTOS_PER_VISIT) { message(fmt(T.too_many_photos, { n: lim.PHOTOS_PER_VISIT }), "warning"); return; }
        save.disabled = true;
        Promise.all(files.map(function (f) { return compress(f, lim.PHOTO_MAX_PIXELS); })).then(function (blobs) {
          var stored = blobs.map(function (blob) { return { uuid: self.crypto.randomUUID(), blob: blob, uploaded: false }; });
          return Promise.all(stored.map(function (p) { return FieldDB.put("photos", p); })).then(function () {
            var promised = Array.prototype.map.call(followUps.querySelectorAll("[data-follow-up]"), function (row) {
              var inputs = row.querySelectorAll("input");
              return { description: inputs[0].value.trim(), due_date: inputs[1].value };
            }).filter(function (f) { return f.description; });
            return queue("visit", h.id, { visited_on: date.value, findings: findings.value.trim(), needs: needs.value.trim(),
              follow_ups: promised, seen_status: h.status }, stored.map(function (p) { return p.uuid; }));
          });
        }).then(function () { location.hash = "#/h/" + h.id; });
      });
      show(el("a", { href: "#/h/" + h.id, class: "small", text: "‹ " + h.head }), el("h1", { class: "h5 mt-1", text: T.log_visit }), form);
    });
  }

  function queuePage() {
    return Promise.all([FieldDB.all("queue"), FieldDB.all("households")]).then(function (found) {
      var names = {};
      found[1].forEach(function (h) { names[h.id] = h.head + " · " + h.number; });
      var rows = found[0].sort(function (a, b) { return a.made_at < b.made_at ? -1 : 1; }).map(function (r) {
        var actions = [];
        if (r.state === "refused") {
          if (r.conflict === "household_exited") {
            actions.push(el("button", { type: "button", class: "btn btn-sm btn-outline-primary", text: T.send_anyway, "data-testid": "send-anyway", onclick: function () {
              r.data.confirm = true;
              FieldDB.put("queue", Object.assign(r, { state: "pending", reason: "", conflict: "" })).then(refreshBadge).then(queuePage).then(sync);
            } }));
          }
          actions.push(el("button", { type: "button", class: "btn btn-sm btn-outline-danger", text: T.discard, "data-testid": "discard", onclick: function () {
            if (!window.confirm(T.discard_confirm)) { return; }
            Promise.all([FieldDB.del("queue", r.uuid)].concat((r.photos || []).map(function (p) { return FieldDB.del("photos", p); })))
              .then(refreshBadge).then(queuePage);
          } }));
        }
        return el("div", { class: "list-group-item", "data-testid": "queued", "data-state": r.state, "data-conflict": r.conflict || "" }, [
          el("div", { class: "fw-strong", text: T["kind_" + r.kind] + " · " + (names[r.household] || r.household) }),
          el("div", { class: "small text-secondary", text: fmt(T.made_at, { when: when(r.made_at) }) + " · " + (r.state === "pending" ? T.pending : (r.conflict ? T.conflict : T.refused)) }),
          r.reason ? el("div", { class: "text-danger small", "data-testid": "reason", text: r.reason }) : null,
          actions.length ? el("div", { class: "d-flex gap-2 mt-1" }, actions) : null
        ]);
      });
      show(el("h1", { class: "h5", text: T.queue }),
        rows.length ? el("div", { class: "list-group" }, rows) : el("p", { class: "text-secondary", text: T.nothing_waiting }));
    });
  }

  function route() {
    var hash = location.hash || "#/";
    var m = hash.match(/^#\/h\/(\d+)(\/visit)?$/);
    if (m) { return m[2] ? visitForm(Number(m[1])) : householdPage(Number(m[1])); }
    if (hash === "#/queue") { return queuePage(); }
    return householdList();
  }

  // -- sync, expiry, revocation, logout -------------------------------------------------------------
  function failed(error) {
    if (error && error.kind === "revoked") {
      wiped = true;
      return FieldDB.wipe(true).then(function () { main.replaceChildren(); message(T.revoked, "danger"); body.setAttribute("data-wiped", "revoked"); });
    }
    if (error && error.kind === "signed_out") { message(T.signed_out, "warning"); return null; }
    if (error && error.kind === "offline") { message(T.sync_failed, "warning"); return null; }
    message((error && error.message) || T.sync_failed, "danger");
    return null;
  }

  function sync() {
    if (syncing || wiped) { return Promise.resolve(); }
    syncing = true;
    refreshBadge();
    return FieldSync.syncNow().then(function (outcome) {
      message(outcome.sent ? fmt(T.synced, outcome) : T.sync_nothing, outcome.refused ? "warning" : "success");
      body.setAttribute("data-last-sent", String(outcome.sent));
    }, failed).then(function () {
      syncing = false;
      return wiped ? null : refreshBadge().then(route);
    });
  }

  // The copy expires after N days without a sync, whether or not the phone is ever online again.
  function expireIfStale() {
    return Promise.all([FieldDB.meta("lastSync"), limits()]).then(function (found) {
      if (!found[0]) { return false; }
      var age = (Date.now() - new Date(found[0]).getTime()) / 86400000;
      if (age <= found[1].COPY_EXPIRES_DAYS) { return false; }
      return FieldDB.clear("households").then(function () {
        message(fmt(T.expired, { n: found[1].COPY_EXPIRES_DAYS }), "warning");
        body.setAttribute("data-wiped", "expired");
        return true;
      });
    });
  }

  function logout() {
    FieldDB.all("queue").then(function (records) {
      var waiting = records.length;
      if (waiting && !window.confirm(fmt(T.logout_confirm, { n: waiting }))) { return; }
      var token = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
      wiped = true;  // nothing on this page touches the copy again (a late refresh would recreate it)
      FieldDB.wipe(true).then(function () {
        var form = el("form", { method: "post", action: body.getAttribute("data-logout") }, [
          el("input", { type: "hidden", name: "csrfmiddlewaretoken", value: token ? decodeURIComponent(token[1]) : "" })
        ]);
        document.body.appendChild(form);
        form.submit();
      });
    });
  }

  document.addEventListener("click", function (event) {
    var action = event.target.closest("[data-action]");
    if (!action) { return; }
    if (action.getAttribute("data-action") === "sync") { sync(); }
    if (action.getAttribute("data-action") === "logout") { logout(); }
  });
  window.addEventListener("hashchange", function () { if (!wiped) { route(); } });
  window.addEventListener("online", function () { if (!wiped) { refreshBadge(); sync(); } });
  window.addEventListener("offline", function () { if (!wiped) { refreshBadge(); } });
  setInterval(function () { if (navigator.onLine && !syncing && !wiped) { refreshBadge().then(function (n) { if (n) { sync(); } }); } }, 60000);

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(body.getAttribute("data-sw"), { scope: "/fieldwork/" }).then(function () {
      body.setAttribute("data-sw-ready", "1");
    }, function () {});
  }

  // Another user signed in on this phone: the previous user's copy is not theirs to see.
  FieldDB.meta("user").then(function (owner) {
    return owner && owner !== CONFIG.user ? FieldDB.wipe() : null;
  }).then(expireIfStale).then(refreshBadge).then(route).then(function () {
    body.setAttribute("data-ready", "1");
    if (navigator.onLine) { sync(); }
  });
})();
