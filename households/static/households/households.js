// "Show" next to a masked ID number: asks the server for the full number (the server logs the view).
(function () {
  function csrf() {
    var m = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }
  document.querySelectorAll("[data-reveal-url]").forEach(function (button) {
    button.addEventListener("click", function () {
      fetch(button.getAttribute("data-reveal-url"), {
        method: "POST", credentials: "same-origin",
        headers: { "X-CSRFToken": csrf(), Accept: "application/json" }
      }).then(function (r) { return r.json(); }).then(function (body) {
        if (body.id_number) {
          button.parentNode.querySelector("[data-id-number]").textContent = body.id_number;
          button.remove();
        }
      });
    });
  });
})();
