// Small enhancements on top of server-rendered pages; everything works without this file.
document.addEventListener("htmx:afterSwap", function (event) {
  // After a partial update, move focus to the updated region's heading only when focus would
  // otherwise be lost (it was inside the replaced content, e.g. a page link). Someone typing in a
  // field or moving on with Tab keeps their place; the region's aria-live announces the change.
  var target = event.detail.target;
  var heading = target && target.querySelector("[data-focus-after-swap]");
  var active = document.activeElement;
  var lost = !active || active === document.body || target.contains(active);
  if (heading && lost) {
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
