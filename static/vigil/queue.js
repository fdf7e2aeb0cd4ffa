// The queue page (training/admission.py): counts the seconds of Retry-After down, then tries
// again: loads the same address (a GET: the link carries it) or posts the same fields again
// (the form). Without JavaScript, a <noscript> refresh, the link or the button.
document.addEventListener("DOMContentLoaded", function () {
  var counter = document.querySelector("[data-countdown]");
  if (!counter) { return; }
  var left = parseInt(counter.textContent, 10) || 0;
  var form = document.querySelector("form[data-resend]");
  var link = document.querySelector("a[data-reload]");
  var timer = window.setInterval(function () {
    left = Math.max(left - 1, 0);
    counter.textContent = String(left);
    if (left > 0) { return; }
    window.clearInterval(timer);
    if (form) { form.submit(); } else if (link) { window.location.replace(link.href); }
  }, 1000);
});
