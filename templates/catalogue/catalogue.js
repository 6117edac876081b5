// The staff catalogue's search and filters (inlined into index.html by leaflets/build/catalogue.py).
// Without this script every leaflet and file is listed; it only hides what does not match.
(function () {
  "use strict";
  var KEY = "leaflets-catalogue-branch";
  var STATE = "leaflets-catalogue-state";  // the search and filters, for Back (this tab only)
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
  // A language's or format's name typed in the search ("polish", "large print") chooses it in
  // its filter, and is not looked for in the leaflets' words.
  var chosenBySearch = {};
  function wordsOf(option) {
    return (option.getAttribute("data-words") || "").split("|").map(function (w) { return w.trim(); })
      .filter(function (w) { return w.length > 1; });
  }
  function takeNames(text, select) {
    var found = null;
    Array.prototype.forEach.call(select.options, function (option) {
      if (!option.value || found) { return; }
      wordsOf(option).forEach(function (word) {
        if (found) { return; }
        var at = (" " + text + " ").indexOf(" " + word + " ");
        if (at !== -1) {
          found = option.value;
          text = (text.slice(0, at) + " " + text.slice(at + word.length)).trim();
        }
      });
    });
    if (found) {
      select.value = found;
      chosenBySearch[select.id] = found;
    } else if (chosenBySearch[select.id] && select.value === chosenBySearch[select.id]) {
      select.value = "";  // the name was deleted from the search: so is its choice
      delete chosenBySearch[select.id];
    }
    return text;
  }
  function save() {
    try {
      window.sessionStorage.setItem(STATE, JSON.stringify({
        search: search.value, format: format.value, language: language.value,
        branch: branch ? branch.value : "", bySearch: chosenBySearch
      }));
    } catch (e) { /* storage blocked: still works */ }
  }
  function restore() {
    var state = null;
    try { state = JSON.parse(window.sessionStorage.getItem(STATE) || "null"); } catch (e) { state = null; }
    if (!state || typeof state !== "object") { return false; }
    [[search, state.search], [format, state.format], [language, state.language], [branch, state.branch]]
      .forEach(function (pair) {
        var control = pair[0], value = pair[1];
        if (!control || typeof value !== "string") { return; }
        if (control.tagName === "SELECT" && value &&
            !Array.prototype.some.call(control.options, function (o) { return o.value === value; })) { return; }
        control.value = value;
      });
    chosenBySearch = state.bySearch && typeof state.bySearch === "object" ? state.bySearch : {};
    return true;
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
    var text = search.value.toLowerCase().replace(/\s+/g, " ").trim();
    text = takeNames(text, language);
    text = takeNames(text, format);
    var terms = text.split(" ").filter(Boolean);
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
    save();
  }

  form.hidden = false;
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  var restored = restore();
  if (branch && !restored) {
    var saved = remembered();
    if (saved && branch.querySelector('option[value="' + saved.replace(/[^a-z0-9-]/g, "") + '"]')) {
      branch.value = saved;
    }
  }
  if (branch) {
    branch.addEventListener("change", function () { remember(branch.value); update(); });
  }
  [search, format, language].forEach(function (control) {
    control.addEventListener("input", update);
    control.addEventListener("change", update);
  });
  window.addEventListener("pageshow", function () {
    // Back from a personalised PDF: the next patient starts with an empty "For you" form.
    document.querySelectorAll("form.for-you-form").forEach(function (f) { f.reset(); });
    if (restore()) { update(); }
  });
  update();
}());
