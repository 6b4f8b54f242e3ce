// The print view's one button (a file, not an inline handler, so the page's CSP can forbid inline script).
document.getElementById("print-button")?.addEventListener("click", () => window.print());
