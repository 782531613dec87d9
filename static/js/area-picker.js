// Area pickers (areas/pickers.py): choosing an area loads its children into the next menu; the
// deeper menus of a changed one are removed. The server sends only areas in the user's scope.
(function () {
  function option(value, text) {
    var o = document.createElement("option");
    o.value = value;
    o.textContent = text;
    return o;
  }
  document.querySelectorAll("[data-area-picker]").forEach(function (picker) {
    var url = picker.getAttribute("data-children-url");
    picker.addEventListener("change", function (event) {
      var select = event.target;
      if (select.tagName !== "SELECT") { return; }
      var level = parseInt(select.getAttribute("data-level"), 10);
      picker.querySelectorAll("select").forEach(function (other) {
        if (parseInt(other.getAttribute("data-level"), 10) > level) { other.remove(); }
      });
      if (!select.value) { return; }
      fetch(url + "?parent=" + encodeURIComponent(select.value), {
        headers: { Accept: "application/json" }, credentials: "same-origin"
      })
        .then(function (r) { return r.ok ? r.json() : { children: [] }; })
        .then(function (data) {
          if (!data.children || !data.children.length || select.value !== data.parent) { return; }
          var next = document.createElement("select");
          next.name = picker.getAttribute("data-name");
          next.className = select.className;
          next.setAttribute("data-level", String(level + 1));
          next.setAttribute("aria-label", data.level_label);
          next.appendChild(option("", data.all_label));
          data.children.forEach(function (child) { next.appendChild(option(child.code, child.name)); });
          picker.appendChild(next);
        })
        .catch(function () { /* the page works without the next menu: apply, and it comes from the server */ });
    });
  });
  // Village menus of forms (areas.pickers.VillagePickerWidget): choosing the township loads its
  // villages; the village menu's values are the villages' ids.
  document.querySelectorAll("[data-village-picker]").forEach(function (picker) {
    var township = picker.querySelector("[data-township]");
    var village = picker.querySelector("[data-village]");
    if (!township || !village) { return; }
    township.addEventListener("change", function () {
      while (village.options.length) { village.remove(0); }
      // a multiple menu (areas.pickers.VillagesPickerWidget) has no placeholder, and leaves out the
      // villages already ticked above it
      if (!village.multiple) { village.appendChild(option("", picker.getAttribute("data-choose-label"))); }
      var ticked = {};
      picker.querySelectorAll("input[data-chosen]").forEach(function (box) { ticked[box.value] = true; });
      if (!township.value) { return; }
      fetch(picker.getAttribute("data-children-url") + "?parent=" + encodeURIComponent(township.value), {
        headers: { Accept: "application/json" }, credentials: "same-origin"
      })
        .then(function (r) { return r.ok ? r.json() : { children: [] }; })
        .then(function (data) {
          if (township.value !== data.parent) { return; }
          (data.children || []).forEach(function (child) {
            if (!ticked[String(child.id)]) { village.appendChild(option(String(child.id), child.name)); }
          });
        })
        .catch(function () { /* without the villages: save, and the form comes back with them */ });
    });
  });
})();
