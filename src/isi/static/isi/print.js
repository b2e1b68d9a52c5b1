// A print button where a page offers one (the finder's result): without JavaScript the page shows
// only the hint to use the browser's print function; with it, the button appears and prints.
// A static file, no inline script: the Content-Security-Policy allows scripts from 'self' only.
document.addEventListener("DOMContentLoaded", function () {
  var holders = document.querySelectorAll("[data-print-button]");
  for (var i = 0; i < holders.length; i++) {
    var button = holders[i].querySelector("button");
    if (!button || typeof window.print !== "function") {
      continue;
    }
    button.addEventListener("click", function () {
      window.print();
    });
    holders[i].hidden = false;
  }
});
