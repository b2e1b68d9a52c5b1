// The work tool's helpers: status messages announced, and the warning before the idle time-out
// (WCAG 2.2.1). Everything works without this file; it only adds warnings and announcements.
(function () {
  "use strict";

  // --- status messages ("Gespeichert.") ---------------------------------------------------------
  // A live region's content is announced when it changes, not when the page loads with it: so the
  // messages the server rendered are taken out and put back a moment later.
  function announceStatus() {
    var region = document.querySelector("[data-announce]");
    if (!region || !region.children.length) {
      return;
    }
    var nodes = Array.prototype.slice.call(region.childNodes);
    nodes.forEach(function (node) { region.removeChild(node); });
    window.setTimeout(function () {
      nodes.forEach(function (node) { region.appendChild(node); });
    }, 300);
  }

  // --- idle time-out warning -------------------------------------------------------------------
  var SHARED_KEY = "isi-session-deadline";

  function sessionWarning() {
    var dialog = document.getElementById("session-warning");
    if (!dialog || typeof dialog.showModal !== "function") {
      return;
    }
    var announcement = document.getElementById("session-announcement");
    var countdowns = dialog.querySelectorAll("[data-countdown]");
    var form = dialog.querySelector("form[data-keep-alive]");
    var warnSeconds = parseInt(dialog.getAttribute("data-warn-seconds"), 10) || 120;
    var deadline = Date.now() + (parseInt(dialog.getAttribute("data-seconds-left"), 10) || 0) * 1000;
    // The absolute limit (hours after signing in) cannot be extended: it is only announced.
    var absoluteDeadline = Date.now() + (parseInt(dialog.getAttribute("data-absolute-left"), 10) || 0) * 1000;
    var returnFocus = null;
    var expired = false;
    var state = "";       // what the open dialog says: "warning", "absolute" or "expired"
    var dismissed = "";   // the warning the person closed; not shown again until the clock moves
    share(deadline);

    function share(value) {
      try { window.localStorage.setItem(SHARED_KEY, String(value)); } catch (e) { /* private mode */ }
    }

    function shared() {
      // Another tab of the same session may have kept it alive more recently.
      try { return parseInt(window.localStorage.getItem(SHARED_KEY), 10) || 0; } catch (e) { return 0; }
    }

    function show(state) {
      Array.prototype.forEach.call(dialog.querySelectorAll("[data-when]"), function (el) {
        el.hidden = el.getAttribute("data-when") !== state;
      });
      var visibleTitle = dialog.querySelector("h2[data-when='" + state + "']");
      if (visibleTitle) {
        if (!visibleTitle.id) { visibleTitle.id = "session-warning-title-" + state; }
        dialog.setAttribute("aria-labelledby", visibleTitle.id);
      }
    }

    function announce(text) {
      if (!announcement) { return; }
      announcement.textContent = "";
      window.setTimeout(function () { announcement.textContent = text; }, 100);
    }

    function format(seconds) {
      var s = Math.max(0, Math.ceil(seconds));
      var rest = s % 60;
      return Math.floor(s / 60) + ":" + (rest < 10 ? "0" : "") + rest;
    }

    function open(which, seconds) {
      Array.prototype.forEach.call(countdowns, function (el) { el.textContent = format(seconds); });
      if (dialog.open && state === which) { return; }
      if (!dialog.open) { returnFocus = document.activeElement; }
      state = which;
      show(which);
      if (!dialog.open) { dialog.showModal(); }  // moves focus into the dialog, only now
      var button = dialog.querySelector(which === "warning" ? "button[type=submit]" : "[data-close]");
      if (button) { button.focus(); }
      var title = dialog.querySelector("h2[data-when='" + which + "']");
      var text = dialog.querySelector("p[data-when='" + which + "']");
      announce((title ? title.textContent : "") + ". " + (text ? text.textContent : ""));
    }

    function close() {
      if (dialog.open) { dialog.close(); }
    }

    dialog.addEventListener("close", function () {
      if (state && state !== "expired") { dismissed = state; }  // closed by the person (Esc, Schließen)
      state = "";
      if (returnFocus && typeof returnFocus.focus === "function" && document.contains(returnFocus)) {
        returnFocus.focus();
      }
      returnFocus = null;
    });

    function expire() {
      expired = true;
      state = "expired";
      show("expired");
      if (!dialog.open) {
        returnFocus = document.activeElement;
        dialog.showModal();
      }
      var closeButton = dialog.querySelector("[data-close]");
      if (closeButton) { closeButton.focus(); }
      var text = dialog.querySelector("p[data-when='expired']");
      announce(text ? text.textContent : "");
    }

    function tick() {
      if (expired) { return; }
      deadline = Math.max(deadline, shared());
      var now = Date.now();
      var left = (deadline - now) / 1000;
      var absoluteLeft = (absoluteDeadline - now) / 1000;
      if (left <= 0 || absoluteLeft <= 0) {
        expire();
      } else if (absoluteLeft <= warnSeconds && absoluteLeft <= left) {
        if (dismissed !== "absolute") { open("absolute", absoluteLeft); }
      } else if (left <= warnSeconds) {
        if (dismissed !== "warning") { open("warning", left); }
      } else {
        dismissed = "";
        if (dialog.open) {
          state = "";  // kept alive in another tab: not a dismissal
          close();
        }
      }
    }

    function restart(secondsLeft) {
      deadline = Date.now() + secondsLeft * 1000;
      share(deadline);
      tick();
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      window.fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "Accept": "application/json" }
      }).then(function (response) {
        return response.json().then(function (body) { return { ok: response.ok, body: body }; });
      }).then(function (result) {
        if (result.ok && result.body.signed_in) {
          state = "";  // not a dismissal: the clock starts again
          close();
          restart(result.body.seconds_left);
        } else {
          expire();
        }
      }).catch(function () { /* offline: the countdown goes on */ });
    });

    dialog.querySelector("[data-close]").addEventListener("click", close);

    // Every request the page makes (htmx updates) restarts the server's clock: the server says
    // how much is left in a header.
    document.addEventListener("htmx:afterRequest", function (event) {
      var xhr = event.detail && event.detail.xhr;
      var header = xhr && xhr.getResponseHeader("X-ISI-Session-Seconds");
      if (header !== null && header !== undefined && header !== "") {
        restart(parseInt(header, 10));
      }
    });

    window.setInterval(tick, 1000);
    tick();
  }

  function start() {
    announceStatus();
    sessionWarning();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
