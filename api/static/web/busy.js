// An inbox row says it is busy while its step is in flight (htmx adds htmx-request;
// screen readers hear aria-busy). A file: the Content-Security-Policy runs no inline script.
document.addEventListener("htmx:beforeRequest", (e) => e.detail.target.setAttribute("aria-busy", "true"));
document.addEventListener("htmx:afterRequest", (e) => e.detail.target.removeAttribute("aria-busy"));
