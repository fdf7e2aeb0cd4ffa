// Posts the SAML message on to the identity provider or back to Vigil (HTTP-POST binding);
// the button stays for a browser without JavaScript.
document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-autosubmit]");
  if (form) { form.submit(); }
});
