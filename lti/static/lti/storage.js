// LTI client-side OIDC with platform storage (1EdTech "LTI Client Side postMessages"): the
// login page puts the state and nonce into the LMS's storage frame (lti.put_data) and goes on to
// the LMS's authentication request; the launch's check page gets them back (lti.get_data),
// compares them with the launch's and posts the launch again, checked (lti/platform_storage.py).
// Messages go only to the registered platform's origin, and only its answers are believed.
(function () {
  "use strict";
  var box = document.querySelector("[data-storage-target]");
  if (!box) { return; }
  var origin = box.getAttribute("data-platform-origin");
  var state = box.getAttribute("data-state");
  var nonce = box.getAttribute("data-nonce");
  var TIMEOUT_MS = 5000;

  function storageFrame(name) {
    var parent = window.parent !== window ? window.parent : window.opener;
    if (!parent) { return null; }
    if (name === "_parent") { return parent; }
    try { return parent.frames[name] || null; } catch (e) { return null; }
  }

  function messageId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // One request to the storage frame; resolves with the answer's data.
  function ask(frame, subject, fields) {
    return new Promise(function (resolve, reject) {
      var id = messageId();
      var timer = window.setTimeout(function () { done(); reject(new Error("no answer")); }, TIMEOUT_MS);
      function done() { window.clearTimeout(timer); window.removeEventListener("message", listen); }
      function listen(event) {
        var data = event.data;
        if (event.origin !== origin || !data || typeof data !== "object") { return; }
        if (data.subject !== subject + ".response" || data.message_id !== id) { return; }
        done();
        if (data.error) { reject(new Error(String(data.error.code || "error"))); } else { resolve(data); }
      }
      window.addEventListener("message", listen);
      var message = { subject: subject, message_id: id };
      Object.keys(fields).forEach(function (k) { message[k] = fields[k]; });
      frame.postMessage(message, origin);
    });
  }

  function failed() {
    var wait = box.querySelector("[data-waiting]");
    if (wait) { wait.hidden = true; }
    document.getElementById(box.getAttribute("data-blocked")).hidden = false;
  }

  var frame = storageFrame(box.getAttribute("data-storage-target"));
  var authUrl = box.getAttribute("data-auth-url");
  // The login outside any frame keeps its first-party cookie: without a storage to talk to,
  // it goes on as a plain login; inside a frame, the new-window offer is the fallback.
  var notFramed = window.top === window.self;

  if (box.getAttribute("data-storage-mode") === "put") {
    if (!frame) { if (notFramed) { window.location.replace(authUrl); } else { failed(); } return; }
    ask(frame, "lti.put_data", { key: "state_" + state, value: state })
      .then(function () { return ask(frame, "lti.put_data", { key: "nonce_" + nonce, value: nonce }); })
      .then(function () { window.location.replace(authUrl); })
      .catch(function () { if (notFramed) { window.location.replace(authUrl); } else { failed(); } });
  } else if (!frame) {
    failed();
  } else {
    ask(frame, "lti.get_data", { key: "state_" + state })
      .then(function (answer) {
        if (answer.value !== state) { throw new Error("state differs"); }
        return ask(frame, "lti.get_data", { key: "nonce_" + nonce });
      })
      .then(function (answer) {
        if (answer.value !== nonce) { throw new Error("nonce differs"); }
        document.getElementById("lti-storage-form").submit();
      })
      .catch(failed);
  }
})();
