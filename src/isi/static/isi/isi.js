// Small enhancements on top of server-rendered pages; everything works without this file.
// Which element had focus before a partial update (by id), so it gets focus back afterwards.
var focusedBeforeSwap = null;
document.addEventListener("htmx:beforeSwap", function () {
  var active = document.activeElement;
  focusedBeforeSwap = active && active.id ? active.id : null;
});
document.addEventListener("htmx:afterSwap", function (event) {
  // After a partial update: the control that had focus (a facet checkbox) keeps it; only when
  // focus would otherwise be lost (a page link that is gone) does it move to the result heading.
  // The new count is announced through the page's status region (role="status").
  var target = event.detail.target;
  var heading = target && target.querySelector("[data-focus-after-swap]");
  var again = focusedBeforeSwap && document.getElementById(focusedBeforeSwap);
  focusedBeforeSwap = null;
  if (again && target.contains(again)) {
    again.focus();
  } else {
    var active = document.activeElement;
    var lost = !active || active === document.body || target.contains(active) || !document.contains(active);
    if (heading && lost) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  }
  var status = document.getElementById("search-status");
  var count = target && target.querySelector("[data-result-count]");
  if (status && count) {
    status.textContent = count.textContent.trim();
  }
  openFacetPanel(target);
});
// The filter panel is a disclosure: open on wide screens, closed on phones so the results come
// first. Without JavaScript it stays open.
function openFacetPanel(root) {
  var panel = (root || document).querySelector("[data-facet-panel]");
  if (!panel) {
    return;
  }
  var wide = window.matchMedia("(min-width: 60em)").matches;
  var active = document.activeElement;
  panel.open = wide || (active && panel.contains(active));
}
document.addEventListener("DOMContentLoaded", function () {
  openFacetPanel(document);
});
document.addEventListener("change", function (event) {
  // Facet checkboxes and filter selects submit their form (htmx then swaps only the results).
  // A select marked data-apply-with-button (the search's sort order) waits for its button: it
  // must not reload while someone moves through it with the arrow keys.
  var input = event.target;
  var auto = "[data-autosubmit] input[type=checkbox], [data-autosubmit] select:not([data-apply-with-button])";
  if (input.matches && input.matches(auto)) {
    var form = input.closest("form");
    if (form && window.htmx) {
      window.htmx.trigger(form, "submit");
    }
  }
});
