// After a launch: open the target here when the session cookie is kept in the LMS's frame,
// otherwise offer a new window with a single-use link that signs in first-party.
(function () {
  "use strict";
  var box = document.getElementById("lti-launched");
  if (!box) { return; }
  var probe = "vigil_lti_probe=2";
  var secure = window.location.protocol === "https:" ? "; SameSite=None; Secure" : "";
  document.cookie = probe + "; path=/; max-age=60" + secure;
  if (document.cookie.indexOf(probe) !== -1 || window.top === window.self) {
    window.location.replace(box.getAttribute("data-target"));
    return;
  }
  document.getElementById("lti-launched-blocked").hidden = false;
})();
