// The offer finder's questions without a full page load (htmx). Everything works without this
// file and without htmx: the step form is a plain POST, the server redirects to the next question.
//
// With htmx the form is boosted (hx-boost on form[data-finder-form]): the answer still goes by
// POST to the step's address, htmx follows the server's redirect, puts the new page's body in
// place, sets document.title from it and pushes the new address into the history. That address
// names the question (/angebotsfinder/frage/<step>/), never an answer. The pages carry
// hx-history="false", so htmx keeps no copy of them (with the answers ticked) in the browser's
// storage; Back loads the question afresh from the server, as without JavaScript.
(function () {
  "use strict";

  var FORM = "form[data-finder-form]";

  function fromFinder(detail) {
    var elt = detail && ((detail.requestConfig && detail.requestConfig.elt) || detail.elt);
    return !!(elt && elt.matches && elt.matches(FORM));
  }

  function focusTarget() {
    // A missing answer: the error summary (it links to the input). Otherwise the question's
    // heading (the check page's heading after the last question).
    var summary = document.getElementById("error-summary");
    if (summary) {
      return summary;
    }
    var main = document.getElementById("main");
    return main && main.querySelector("h1");
  }

  // The server answers a missing answer with 400 and the page with the error summary: show it.
  document.addEventListener("htmx:beforeSwap", function (event) {
    if (fromFinder(event.detail) && event.detail.xhr && event.detail.xhr.status === 400) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // The same question again (an error message): replace the history entry, so that Back does
  // not show the same question twice.
  document.addEventListener("htmx:beforeHistoryUpdate", function (event) {
    var history = event.detail.history;
    if (fromFinder(event.detail) && history && history.path === location.pathname + location.search) {
      history.type = "replace";
    }
  });

  // After the swap the whole page is new, so focus would be lost (or put back by id on an input
  // of the new question by htmx and isi.js): it goes to the new question's heading, or the error
  // summary, so that a screen reader reads it. Listening on window runs after the listeners on
  // document. Focus moves only here, right after the person sent the form, never while typing.
  window.addEventListener("htmx:afterSwap", function (event) {
    if (!fromFinder(event.detail)) {
      return;
    }
    var target = focusTarget();
    if (target) {
      if (!target.hasAttribute("tabindex")) {
        target.setAttribute("tabindex", "-1");
      }
      target.focus();
    }
  });

  // Any other failure (the session's token expired, the server or the network failed): send the
  // form the ordinary way, so the person sees what the server says.
  function fallBack(event) {
    if (!fromFinder(event.detail)) {
      return;
    }
    var form = event.detail.requestConfig ? event.detail.requestConfig.elt : event.detail.elt;
    if (form && document.contains(form)) {
      HTMLFormElement.prototype.submit.call(form);
    }
  }
  document.addEventListener("htmx:responseError", fallBack);
  document.addEventListener("htmx:sendError", fallBack);

  // Back and Forward to a finder page: htmx has no copy (hx-history="false"); load the page
  // from the server as a normal navigation, which also follows the server's redirects.
  document.addEventListener("htmx:historyCacheMiss", function (event) {
    var finderPage = document.querySelector(".finder[hx-history='false']");
    if (finderPage || /\/angebotsfinder\//.test(event.detail.path || "")) {
      event.preventDefault();
      window.location.reload();
    }
  });
})();
