// Small enhancements on top of server-rendered pages; everything works without this file.
document.addEventListener("htmx:afterSwap", function (event) {
  // After a partial update, move focus to the updated region's heading so screen readers
  // and keyboard users land on the new content instead of losing their place.
  var target = event.detail.target;
  var heading = target && target.querySelector("[data-focus-after-swap]");
  if (heading) {
    heading.setAttribute("tabindex", "-1");
    heading.focus();
  }
});
document.addEventListener("change", function (event) {
  // Facet checkboxes submit their form (htmx then swaps only the results).
  var input = event.target;
  if (input.matches && input.matches("[data-autosubmit] input[type=checkbox], [data-autosubmit] select")) {
    var form = input.closest("form");
    if (form && window.htmx) {
      window.htmx.trigger(form, "submit");
    }
  }
});
