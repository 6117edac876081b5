// The staff catalogue's search and filters (inlined into index.html by leaflets/build/catalogue.py).
// Without this script every leaflet and file is listed; it only hides what does not match.
(function () {
  "use strict";
  var KEY = "leaflets-catalogue-branch";
  var form = document.querySelector(".filters");
  if (!form) { return; }
  var search = document.getElementById("search");
  var branch = document.getElementById("branch");
  var format = document.getElementById("format");
  var language = document.getElementById("language");
  var count = document.getElementById("result-count");
  var noMatch = document.getElementById("no-match");

  function remembered() {
    try { return window.localStorage.getItem(KEY) || ""; } catch (e) { return ""; }
  }
  function remember(value) {
    try { window.localStorage.setItem(KEY, value); } catch (e) { /* storage blocked: still works */ }
  }
  function matches(element, terms, lang) {
    var text = element.getAttribute("data-search") || "";
    if (lang && element.getAttribute("data-lang") !== lang) { return false; }
    for (var i = 0; i < terms.length; i++) {
      if (text.indexOf(terms[i]) === -1) { return false; }
    }
    return true;
  }
  function update() {
    var terms = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var chosenBranch = branch ? branch.value : "";
    var chosenFormat = format.value;
    var lang = language.value;
    var shown = 0;
    document.querySelectorAll("section.branch").forEach(function (section) {
      var inBranch = !chosenBranch || section.getAttribute("data-branch") === chosenBranch;
      section.hidden = !inBranch;
      section.querySelectorAll("li.card").forEach(function (card) {
        var files = card.querySelectorAll("li.file");
        var any = false;
        files.forEach(function (file) {
          var ok = !chosenFormat || file.getAttribute("data-format") === chosenFormat;
          file.hidden = !ok;
          any = any || ok;
        });
        card.hidden = !(any && matches(card, terms, lang));
        if (inBranch && !card.hidden) { shown += 1; }
      });
      var shop = section.querySelector("section.print-shop");
      if (shop) {
        var visible = 0;
        shop.querySelectorAll("li.file").forEach(function (file) {
          var ok = (!chosenFormat || file.getAttribute("data-format") === chosenFormat) && matches(file, terms, lang);
          file.hidden = !ok;
          if (ok) { visible += 1; }
        });
        shop.hidden = visible === 0;
      }
    });
    count.textContent = shown === 1 ? "1 leaflet shown" : shown + " leaflets shown";
    noMatch.hidden = shown !== 0;
  }

  form.hidden = false;
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  if (branch) {
    var saved = remembered();
    if (saved && branch.querySelector('option[value="' + saved.replace(/[^a-z0-9-]/g, "") + '"]')) {
      branch.value = saved;
    }
    branch.addEventListener("change", function () { remember(branch.value); update(); });
  }
  [search, format, language].forEach(function (control) {
    control.addEventListener("input", update);
    control.addEventListener("change", update);
  });
  update();
}());
