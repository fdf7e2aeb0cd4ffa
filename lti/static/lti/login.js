// OIDC login inside the LMS's frame: go on to the platform when cookies can be kept here,
// otherwise offer a new window (where the login starts again, first-party).
(function () {
  "use strict";
  var box = document.getElementById("lti-login");
  if (!box) { return; }
  var probe = "vigil_lti_probe=1";
  var secure = window.location.protocol === "https:" ? "; SameSite=None; Secure" : "";
  document.cookie = probe + "; path=/; max-age=60" + secure;
  if (document.cookie.indexOf(probe) !== -1 || window.top === window.self) {
    window.location.replace(box.getAttribute("data-auth-url"));
    return;
  }
  document.getElementById("lti-login-wait").hidden = true;
  document.getElementById("lti-login-blocked").hidden = false;
})();
