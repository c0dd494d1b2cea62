// Keel break timer: counts down to the next break, then shows an on-page prompt and, when
// she has allowed it, a browser notification. Without this script the page still shows the
// next break time and the "I took my break" button.
(function () {
  "use strict";
  var timer = document.getElementById("timer");
  if (!timer) return;
  var countdown = document.getElementById("countdown");
  var prompt = document.getElementById("break-prompt");
  var interval = Number(timer.dataset.intervalSeconds) || 1800;
  var first = timer.dataset.secondsToNext;
  var due = first === undefined || first === "" ? null : Date.now() + Number(first) * 1000;

  Array.prototype.forEach.call(document.querySelectorAll(".js-only"), function (el) {
    el.hidden = false;
  });

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  function fire() {
    prompt.hidden = false;
    prompt.setAttribute("role", "alert");
    prompt.scrollIntoView({ block: "center" });
    document.title = "Break time · Keel";
    if ("Notification" in window && Notification.permission === "granted") {
      try { new Notification("Time for a 2-minute break", { body: "Stand up and move." }); } catch (e) { /* the prompt is shown anyway */ }
    }
    due = Date.now() + interval * 1000;
  }

  function tick() {
    if (due === null) return;
    var left = Math.max(0, Math.round((due - Date.now()) / 1000));
    if (left <= 0) { fire(); left = interval; }
    // In words, never like a clock time: "in 9 min (at 15:00)", "in 40 s".
    var at = new Date(due);
    var when = " (at " + pad(at.getHours()) + ":" + pad(at.getMinutes()) + ")";
    var mins = Math.ceil(left / 60);
    var h = Math.floor(mins / 60), m = mins % 60;
    countdown.textContent = left < 60 ? "In " + left + " s"
      : "In " + (h > 0 ? h + " h " + (m > 0 ? m + " min" : "") : m + " min") + when;
  }

  var allow = document.getElementById("allow-notifications");
  if (allow) {
    if (!("Notification" in window) || Notification.permission !== "default") allow.hidden = true;
    allow.addEventListener("click", function () {
      Notification.requestPermission().then(function () { allow.hidden = true; });
    });
  }
  var test = document.getElementById("test-reminder");
  if (test) {
    test.addEventListener("click", function () { due = Date.now() + 5000; tick(); });
  }
  tick();
  setInterval(tick, 1000);
})();
