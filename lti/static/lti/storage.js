// LTI client-side OIDC with platform storage (1EdTech "LTI Client Side postMessages"): the
// login page puts the state and nonce into the LMS's storage frame (lti.put_data) and goes on to
// the LMS's authentication request; the launch's check page gets them back (lti.get_data),
// compares them with the launch's and posts the launch again, checked (lti/platform_storage.py).
// Messages go only to the registered platform's origin, and only its answers are believed.
// First, lti.capabilities is asked of the lti_storage_target frame (a short wait): a platform
// that names the frame answering lti.put_data or lti.get_data has those sent there; one that
// does not answer, or names none, has them sent to the lti_storage_target frame, as before.
(function () {
  "use strict";
  var box = document.querySelector("[data-storage-target]");
  if (!box) { return; }
  var origin = box.getAttribute("data-platform-origin");
  var state = box.getAttribute("data-state");
  var nonce = box.getAttribute("data-nonce");
  var TIMEOUT_MS = 5000;
  var CAPABILITIES_MS = 1000;

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
  function ask(frame, subject, fields, timeout) {
    return new Promise(function (resolve, reject) {
      var id = messageId();
      var timer = window.setTimeout(function () { done(); reject(new Error("no answer")); }, timeout || TIMEOUT_MS);
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

  // The frames the platform names for its messages (lti.capabilities); none: it did not say.
  function capabilities(target) {
    return ask(target, "lti.capabilities", {}, CAPABILITIES_MS).then(function (answer) {
      var frames = {};
      (Array.isArray(answer.supported_messages) ? answer.supported_messages : []).forEach(function (m) {
        if (m && typeof m.subject === "string" && typeof m.frame === "string" && m.frame) { frames[m.subject] = m.frame; }
      });
      return frames;
    }, function () { return {}; });
  }

  // The frame to send a subject to: the one the platform named, if there is one, else the target.
  function frameFor(frames, subject, target) {
    return (frames[subject] && storageFrame(frames[subject])) || target;
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
    var put;
    capabilities(frame)
      .then(function (frames) {
        put = frameFor(frames, "lti.put_data", frame);
        return ask(put, "lti.put_data", { key: "state_" + state, value: state });
      })
      .then(function () { return ask(put, "lti.put_data", { key: "nonce_" + nonce, value: nonce }); })
      .then(function () { window.location.replace(authUrl); })
      .catch(function () { if (notFramed) { window.location.replace(authUrl); } else { failed(); } });
  } else if (!frame) {
    failed();
  } else {
    var get;
    capabilities(frame)
      .then(function (frames) {
        get = frameFor(frames, "lti.get_data", frame);
        return ask(get, "lti.get_data", { key: "state_" + state });
      })
      .then(function (answer) {
        if (answer.value !== state) { throw new Error("state differs"); }
        return ask(get, "lti.get_data", { key: "nonce_" + nonce });
      })
      .then(function (answer) {
        if (answer.value !== nonce) { throw new Error("nonce differs"); }
        document.getElementById("lti-storage-form").submit();
      })
      .catch(failed);
  }
})();
