// The phone's storage (IndexedDB): the working copy of the households in the user's care, the queue of
// records made on the phone, and their compressed photos. Nothing here is sent anywhere by itself.
var FieldDB = (function () {
  "use strict";
  var NAME = "povertycase-fieldwork";
  var VERSION = 1;
  var opening = null;
  // A wipe in progress: opening waits for it (a read then finds an empty copy, never the old one).
  var wiping = null;
  // Logged out or revoked: this page never opens the copy again (a late read would recreate it).
  var closedForGood = false;

  function open() {
    if (closedForGood) { return Promise.reject(new Error("the local copy was wiped")); }
    if (wiping) { return wiping.then(open); }
    if (opening) { return opening; }
    opening = new Promise(function (resolve, reject) {
      var request = indexedDB.open(NAME, VERSION);
      request.onupgradeneeded = function () {
        var db = request.result;
        db.createObjectStore("meta");
        db.createObjectStore("households", { keyPath: "id" });
        db.createObjectStore("queue", { keyPath: "uuid" });
        db.createObjectStore("photos", { keyPath: "uuid" });
      };
      request.onsuccess = function () {
        var db = request.result;
        // A wipe (here or in another tab) deletes the database: let go of it so the delete is not blocked.
        db.onversionchange = function () { db.close(); opening = null; };
        resolve(db);
      };
      request.onerror = function () { opening = null; reject(request.error); };
    });
    return opening;
  }

  function run(store, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(store, mode);
        var result;
        tx.oncomplete = function () { resolve(result); };
        tx.onerror = function () { reject(tx.error); };
        tx.onabort = function () { reject(tx.error); };
        var request = work(tx.objectStore(store));
        if (request) { request.onsuccess = function () { result = request.result; }; }
      });
    });
  }

  return {
    get: function (store, key) { return run(store, "readonly", function (s) { return s.get(key); }); },
    all: function (store) { return run(store, "readonly", function (s) { return s.getAll(); }); },
    put: function (store, value, key) {
      return run(store, "readwrite", function (s) { return key === undefined ? s.put(value) : s.put(value, key); });
    },
    del: function (store, key) { return run(store, "readwrite", function (s) { return s.delete(key); }); },
    clear: function (store) { return run(store, "readwrite", function (s) { return s.clear(); }); },
    replaceAll: function (store, values) {
      return run(store, "readwrite", function (s) {
        s.clear();
        values.forEach(function (v) { s.put(v); });
        return null;
      });
    },
    meta: function (key) { return run("meta", "readonly", function (s) { return s.get(key); }); },
    setMeta: function (key, value) { return run("meta", "readwrite", function (s) { return s.put(value, key); }); },
    // Logging out, a revoked device, another user: the whole local copy goes, database and caches.
    // `forGood` (logging out, revoked): nothing opens the copy again on this page. Resolves once the
    // database is deleted, not when the delete is merely queued behind an open connection.
    wipe: function (forGood) {
      closedForGood = closedForGood || Boolean(forGood);
      if (wiping) { return wiping; }
      var previous = opening;
      opening = null;
      wiping = (previous ? previous.then(function (db) { db.close(); }, function () {}) : Promise.resolve())
        .then(function () {
          return new Promise(function (resolve) {
            var request = indexedDB.deleteDatabase(NAME);
            request.onsuccess = request.onerror = function () { resolve(); };
          });
        }).then(function () {
          if (!window.caches) { return null; }
          return caches.keys().then(function (names) {
            return Promise.all(names.filter(function (n) { return n.indexOf("fieldwork-") === 0; })
              .map(function (n) { return caches.delete(n); }));
          });
        }).then(function () { wiping = null; });
      return wiping;
    }
  };
})();
