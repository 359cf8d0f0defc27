// A workshop's public pages. The vote: this phone keeps its ballot's random key in local
// storage (the server keeps only its hash), so the same ballot comes back when the page is
// opened again. The collection form: a second press of Send sends nothing more.
(function () {
  "use strict";
  var main = document.querySelector("[data-ballot-token]");
  if (main) {
    var name = "culturetool-ballot:" + main.getAttribute("data-ballot-token");
    var pageKey = main.getAttribute("data-ballot-key");
    var kept = null;
    try { kept = window.localStorage.getItem(name); } catch (e) { kept = null; }
    if (!kept) {
      try { window.localStorage.setItem(name, pageKey); } catch (e) { /* private mode */ }
    } else if (kept !== pageKey && main.getAttribute("data-ballot-fresh") === "yes") {
      // The page was drawn with a new key: show this phone's own ballot instead.
      var form = document.createElement("form");
      form.method = "post";
      form.action = window.location.pathname;
      [["ballot_key", kept], ["change", "show"]].forEach(function (pair) {
        var input = document.createElement("input");
        input.type = "hidden";
        input.name = pair[0];
        input.value = pair[1];
        form.appendChild(input);
      });
      document.body.appendChild(form);
      form.submit();
    }
  }
  var collection = document.getElementById("collection");
  if (collection) {
    collection.addEventListener("submit", function (event) {
      if (collection.getAttribute("data-sent") === "yes") {
        event.preventDefault();
        return;
      }
      collection.setAttribute("data-sent", "yes");
    });
  }
})();
