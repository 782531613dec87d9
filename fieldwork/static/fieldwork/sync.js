// Sending what the phone recorded when there is a signal: photos first, in pieces that resume where a
// dropped connection stopped, then the records in batches to the one sync endpoint, then a fresh
// working copy. Every record keeps its UUID, so sending it twice never writes it twice.
var FieldSync = (function () {
  "use strict";
  var API = document.body.getAttribute("data-api");

  function Failure(kind, message) { this.kind = kind; this.message = message || kind; }

  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    if (m) { return Promise.resolve(decodeURIComponent(m[1])); }
    return FieldDB.meta("csrf").then(function (t) { return t || ""; });
  }

  function deviceId() {
    return FieldDB.meta("device").then(function (id) {
      if (id) { return id; }
      id = self.crypto.randomUUID();
      return FieldDB.setMeta("device", id).then(function () { return id; });
    });
  }

  // One call to the offline API. A revoked device, a finished session and no signal each end as a
  // Failure the app understands; any other answer is returned with its JSON.
  function call(method, path, body, headers) {
    return Promise.all([deviceId(), csrf()]).then(function (ids) {
      var h = Object.assign({ "X-Field-Device": ids[0], "X-CSRFToken": ids[1], Accept: "application/json" }, headers || {});
      if (body !== undefined && !(body instanceof Blob)) { h["Content-Type"] = "application/json"; body = JSON.stringify(body); }
      return fetch(API + path, { method: method, credentials: "same-origin", headers: h, body: body, redirect: "manual" })
        .catch(function () { throw new Failure("offline"); });
    }).then(function (response) {
      if (response.type === "opaqueredirect") { throw new Failure("signed_out"); }
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.status === 403 && data.code === "device_revoked") { throw new Failure("revoked", data.detail); }
        if ((response.status === 401 || response.status === 403) && data.code === "not_authenticated") {
          throw new Failure("signed_out", data.detail);
        }
        return { status: response.status, data: data };
      });
    });
  }

  function register() {
    return deviceId().then(function (id) {
      return call("POST", "devices/", { device: id, label: navigator.userAgent.slice(0, 200) });
    }).then(function (r) {
      if (r.status !== 200) { throw new Failure("refused", r.data.detail); }
      return r.data;
    });
  }

  // The working copy: only what the server gives for this user, replacing the old copy whole.
  function refreshCopy() {
    return call("GET", "households/").then(function (r) {
      if (r.status !== 200) { throw new Failure("refused", r.data.detail); }
      var copy = r.data;
      return FieldDB.replaceAll("households", copy.households).then(function () {
        return Promise.all([
          FieldDB.setMeta("copy", { generated_at: copy.generated_at, expires_at: copy.expires_at, today: copy.today,
            limits: copy.limits, user: copy.user }),
          FieldDB.setMeta("csrf", copy.csrf_token),
          FieldDB.setMeta("user", copy.user.id)
        ]);
      }).then(function () { return copy; });
    });
  }

  // A photo in pieces: ask how much the server holds, send the rest from there.
  function uploadPhoto(photo, chunkBytes) {
    var path = "photos/" + photo.uuid + "/";
    return call("GET", path).then(function (r) {
      var received = r.data.received || 0;
      function next() {
        if (received >= photo.blob.size) { return FieldDB.put("photos", Object.assign(photo, { uploaded: true })); }
        var piece = photo.blob.slice(received, received + chunkBytes);
        return call("PUT", path, piece, {
          "Content-Type": "application/octet-stream",
          "X-Upload-Offset": String(received),
          "X-Upload-Size": String(photo.blob.size),
          "X-Upload-Name": photo.uuid + ".jpg"
        }).then(function (answer) {
          if (answer.status === 200 || answer.status === 409) {
            received = answer.data.received;
            return next();
          }
          throw new Failure("refused", answer.data.detail);
        });
      }
      return next();
    });
  }

  function payload(record) {
    var data = Object.assign({}, record.data, { household: record.household, photos: record.photos || [] });
    return { uuid: record.uuid, kind: record.kind, made_at: record.made_at, data: data };
  }

  // Sync now: photos, records, fresh copy. Resolves with what happened; nothing is deleted from the
  // phone unless the server accepted it.
  function syncNow() {
    if (!navigator.onLine) { return Promise.reject(new Failure("offline")); }
    var outcome = { sent: 0, accepted: 0, refused: 0 };
    var limits;
    return register().then(function () {
      return Promise.all([FieldDB.all("queue"), FieldDB.all("photos"), FieldDB.meta("copy")]);
    }).then(function (found) {
      var pending = found[0].filter(function (r) { return r.state === "pending"; })
        .sort(function (a, b) { return a.made_at < b.made_at ? -1 : 1; });
      var photos = found[1];
      limits = (found[2] && found[2].limits) || { SYNC_MAX_RECORDS: 50, PHOTO_CHUNK_BYTES: 262144 };
      var uploads = photos.filter(function (p) { return !p.uploaded; }).reduce(function (chain, photo) {
        return chain.then(function () { return uploadPhoto(photo, limits.PHOTO_CHUNK_BYTES); });
      }, Promise.resolve());
      return uploads.then(function () { return pending; });
    }).then(function (pending) {
      var batches = [];
      for (var i = 0; i < pending.length; i += limits.SYNC_MAX_RECORDS) { batches.push(pending.slice(i, i + limits.SYNC_MAX_RECORDS)); }
      return batches.reduce(function (chain, batch) {
        return chain.then(function () {
          outcome.sent += batch.length;
          return call("POST", "sync/", { records: batch.map(payload) }).then(function (r) {
            if (r.status !== 200) { throw new Failure("refused", r.data.detail); }
            return applyResults(batch, r.data.results, outcome);
          });
        });
      }, Promise.resolve());
    }).then(function () {
      return FieldDB.setMeta("lastSync", new Date().toISOString());
    }).then(refreshCopy).then(function () { return outcome; });
  }

  function applyResults(batch, results, outcome) {
    var byId = {};
    batch.forEach(function (r) { byId[r.uuid] = r; });
    return results.reduce(function (chain, result) {
      var record = byId[result.uuid];
      if (!record) { return chain; }
      return chain.then(function () {
        if (result.status === "accepted") {
          outcome.accepted += 1;
          return Promise.all([FieldDB.del("queue", record.uuid)].concat(
            (record.photos || []).map(function (p) { return FieldDB.del("photos", p); })));
        }
        if (result.retry) { return null; }
        outcome.refused += 1;
        return FieldDB.put("queue", Object.assign(record, {
          state: "refused", reason: result.reason, conflict: result.conflict, errors: result.errors
        }));
      });
    }, Promise.resolve());
  }

  return { syncNow: syncNow, refreshCopy: refreshCopy, register: register, Failure: Failure, call: call };
})();
