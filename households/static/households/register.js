// The registration form: more member cards on demand; a member's birth date and sex are filled from
// the ID number as it is typed (still editable; the server checks that they agree); the check digit
// is verified at once; the error summary takes the focus after a refused save.
(function () {
  var form = document.querySelector("[data-testid=register-form]");
  if (!form) { return; }
  var summary = document.querySelector("[data-error-summary]");
  if (summary) { summary.focus(); }

  var add = document.querySelector("[data-add-member]");
  if (add) {
    add.addEventListener("click", function () {
      var hidden = document.querySelector("[data-member-card].d-none");
      if (hidden) { hidden.classList.remove("d-none"); hidden.querySelector("input").focus(); }
      if (!document.querySelector("[data-member-card].d-none")) { add.remove(); }
    });
  }

  var WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  var CHECK = "10X98765432";
  function normalise(value) {
    // full-width digits and X, spaces removed, as the server does
    return value.replace(/[\uFF10-\uFF19]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xFEE0); })
      .replace(/[ｘx]/g, "X").replace(/\s+/g, "");
  }
  function parse(number) {
    if (!/^\d{17}[\dX]$/.test(number)) { return null; }
    var sum = 0;
    for (var i = 0; i < 17; i++) { sum += parseInt(number[i], 10) * WEIGHTS[i]; }
    var y = number.slice(6, 10), m = number.slice(10, 12), d = number.slice(12, 14);
    var date = new Date(Date.UTC(+y, +m - 1, +d));
    var real = date.getUTCFullYear() === +y && date.getUTCMonth() === +m - 1 && date.getUTCDate() === +d;
    return {
      checkOk: CHECK[sum % 11] === number[17],
      birth: real ? y + "-" + m + "-" + d : "",
      sex: parseInt(number[16], 10) % 2 === 1 ? "male" : "female"
    };
  }

  form.querySelectorAll("input[name$='-id_number']").forEach(function (input) {
    var prefix = input.name.slice(0, -"id_number".length);
    var birth = form.querySelector("[name='" + prefix + "birth_date']");
    var sex = form.querySelector("[name='" + prefix + "sex']");
    var note = document.createElement("div");
    note.className = "form-text";
    note.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", note);
    input.addEventListener("input", function () {
      var parsed = parse(normalise(input.value));
      note.textContent = "";
      note.classList.remove("text-danger");
      if (!parsed) { return; }
      if (!parsed.checkOk) {
        note.textContent = form.getAttribute("data-id-bad");
        note.classList.add("text-danger");
        return;
      }
      var filled = false;
      if (birth && parsed.birth && (!birth.value || birth.hasAttribute("data-from-id"))) {
        birth.value = parsed.birth; birth.setAttribute("data-from-id", ""); filled = true;
      }
      if (sex && (!sex.value || sex.hasAttribute("data-from-id"))) {
        sex.value = parsed.sex; sex.setAttribute("data-from-id", ""); filled = true;
      }
      if (filled) { note.textContent = form.getAttribute("data-id-filled"); }
    });
    [birth, sex].forEach(function (field) {
      if (field) { field.addEventListener("change", function () { field.removeAttribute("data-from-id"); }); }
    });
  });
})();
