/* Overlap review: "select all on this page" for bulk rating, and focus kept after an htmx swap. */
(function () {
  "use strict";
  function setUp(root) {
    root.querySelectorAll(".pair-pick-all[hidden]").forEach(function (wrapper) {
      wrapper.hidden = false;
      var label = wrapper.parentNode.querySelector("[data-pick-label]");
      if (label) { label.hidden = true; }
    });
  }
  document.addEventListener("change", function (event) {
    var all = event.target;
    if (!all.matches || !all.matches("[data-pick-all]")) { return; }
    document.querySelectorAll('input[type=checkbox][name="' + all.getAttribute("data-pick-all") + '"]').forEach(function (box) {
      box.checked = all.checked;
    });
  });
  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  document.addEventListener("htmx:afterSettle", function (event) {
    var region = document.getElementById("pair-region");
    if (!region) { return; }
    setUp(region);
    // The control that had focus was replaced (a row's own "Speichern"): continue in the list,
    // not at the top of the page.
    if (!document.activeElement || document.activeElement === document.body) {
      region.focus({ preventScroll: true });
    }
  });
})();
