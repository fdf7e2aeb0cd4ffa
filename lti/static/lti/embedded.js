// The LTI login and launch pages inside the LMS's frame: go on to data-go-url when Vigil's
// cookies are kept here (or when not framed); otherwise show the new-window offer
// (data-blocked names it), where the flow continues first-party.
(function () {
  "use strict";
  var box = document.querySelector("[data-go-url]");
  if (!box) { return; }
  var probe = "vigil_lti_probe=1";
  var secure = window.location.protocol === "https:" ? "; SameSite=None; Secure" : "";
  document.cookie = probe + "; path=/; max-age=60" + secure;
  if (document.cookie.indexOf(probe) !== -1 || window.top === window.self) {
    window.location.replace(box.getAttribute("data-go-url"));
    return;
  }
  var wait = box.querySelector("[data-waiting]");
  if (wait) { wait.hidden = true; }
  document.getElementById(box.getAttribute("data-blocked")).hidden = false;
})();
