// Detour's page glue. Everything else is htmx attributes in the server-rendered pages; the
// content security policy forbids inline scripts, so behaviour that needs code lives here.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
    event.stopPropagation();
  }
}, true);

// htmx does not swap an error answer: say what went wrong above the page instead (the API and
// the pages answer problem+json with a detail that says what to fix).
document.addEventListener("htmx:responseError", (event) => {
  const box = document.getElementById("request-error");
  if (!box) return;
  const xhr = event.detail.xhr;
  let text = `${xhr.status} ${xhr.statusText}`;
  try {
    const problem = JSON.parse(xhr.responseText);
    if (problem.detail) text = problem.detail;
  } catch (notJson) { /* keep the status line */ }
  box.textContent = text;
  box.hidden = false;
});
document.addEventListener("htmx:beforeRequest", () => {
  const box = document.getElementById("request-error");
  if (box) box.hidden = true;
});

// A refused form answers 4xx with the page again, its errors next to the fields: show that page
// (htmx leaves error answers unswapped unless told). Problem+json answers go to the banner above.
document.addEventListener("htmx:beforeSwap", (event) => {
  const xhr = event.detail.xhr;
  const type = xhr.getResponseHeader("Content-Type") || "";
  if (xhr.status >= 400 && xhr.status < 500 && type.startsWith("text/html")) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// An upload says how far it is: the form's progress bar follows the bytes sent (htmx reports them).
document.addEventListener("htmx:xhr:progress", (event) => {
  const form = event.target.closest ? event.target.closest("form") : null;
  const bar = form ? form.querySelector("progress[data-upload]") : null;
  if (bar && event.detail.lengthComputable && event.detail.total > 0) {
    bar.max = event.detail.total;
    bar.value = event.detail.loaded;
  }
});

// Times come in UTC; each <time datetime> is shown in the browser's own zone, UTC kept on hover.
const localTime = new Intl.DateTimeFormat(undefined, {
  year: "numeric", month: "2-digit", day: "2-digit",
  hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false, timeZoneName: "short",
});
function localiseTimes(root) {
  (root.querySelectorAll ? root : document).querySelectorAll("time[datetime]:not([data-local])")
    .forEach((t) => {
      const at = new Date(t.getAttribute("datetime"));
      if (!isNaN(at)) {
        t.textContent = localTime.format(at);
        t.dataset.local = "";
      }
    });
}
document.addEventListener("DOMContentLoaded", () => localiseTimes(document));
document.addEventListener("htmx:load", (event) => localiseTimes(event.target));
