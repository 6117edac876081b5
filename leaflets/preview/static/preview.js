// leaflets serve: refresh the page's live parts when a build finishes (server-sent events),
// switch branch and format at once, and send the personalised print form without leaving the page.
"use strict";

(function () {
  const choose = document.getElementById("choose");
  if (choose) {
    for (const select of choose.querySelectorAll("select")) {
      select.addEventListener("change", () => choose.submit());
    }
  }

  // The part of the page a build changes: #live on a leaflet's page, else all of <main>.
  function liveId() {
    return document.getElementById("live") ? "live" : "main";
  }

  let refreshing = null;
  async function refresh(generation) {
    if (refreshing) { await refreshing; }
    refreshing = (async () => {
      const response = await fetch(location.href, { cache: "no-store", credentials: "same-origin" });
      if (!response.ok) { return; }
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
      const id = liveId();
      const mine = document.getElementById(id);
      const theirs = fresh.getElementById(id);
      if (mine && theirs) {
        const before = document.getElementById("pages");
        const after = theirs.querySelector("#pages");
        if (before && after && before.dataset.sha === after.dataset.sha) {
          after.replaceWith(before);  // the same PDF: keep the images already drawn
        }
        mine.replaceChildren(...theirs.childNodes);
      }
      document.body.dataset.generation = String(generation);
    })();
    try { await refreshing; } finally { refreshing = null; }
  }

  const params = new URLSearchParams();
  if (choose) {
    params.set("leaflet", choose.dataset.leaflet);
    params.set("branch", choose.dataset.branch);
    params.set("format", choose.dataset.format);
  }
  const events = new EventSource("/events?" + params.toString());
  events.addEventListener("hello", (event) => { document.body.dataset.generation = event.data; });
  events.addEventListener("build", (event) => { refresh(event.data); });

  const form = document.getElementById("personal");
  if (form) {
    const message = document.getElementById("personal-error");
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      message.textContent = "";
      const button = form.querySelector("button[type=submit]");
      button.disabled = true;
      try {
        const response = await fetch(form.action, {
          method: "POST", body: new URLSearchParams(new FormData(form)), credentials: "same-origin", cache: "no-store",
        });
        if (!response.ok) {
          message.textContent = await response.text();
          return;
        }
        // Kept in this tab's memory only: nothing goes to the Downloads folder.
        const url = URL.createObjectURL(await response.blob());
        window.open(url, "_blank", "noopener");
        setTimeout(() => URL.revokeObjectURL(url), 60000);
      } catch (error) {
        message.textContent = "The server could not be reached: " + error;
      } finally {
        button.disabled = false;
      }
    });
  }
})();
