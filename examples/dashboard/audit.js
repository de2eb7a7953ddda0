// Diagnostics for the example and its end-to-end tests, loaded before anything else: records
// Content-Security-Policy violations, and counts the listeners and intervals on window and
// document, so unmounting a report can be checked to leave nothing behind.
(function () {
  const audit = { csp: [], listeners: new Set(), intervals: new Set(), events: [] };
  document.addEventListener("securitypolicyviolation", (e) => {
    audit.csp.push(`${e.violatedDirective}: ${e.blockedURI || "inline"}`);
    const out = document.getElementById("csp-count");
    if (out) out.textContent = String(audit.csp.length);
  });
  const key = (target, type, listener, options) => {
    const capture = typeof options === "boolean" ? options : !!(options && options.capture);
    return { target, type, listener, capture };
  };
  const isGlobal = (t) => t === window || t === document;
  const add = EventTarget.prototype.addEventListener;
  const remove = EventTarget.prototype.removeEventListener;
  EventTarget.prototype.addEventListener = function (type, listener, options) {
    if (isGlobal(this) && listener) {
      const k = key(this, type, listener, options);
      const signal = options && typeof options === "object" ? options.signal : undefined;
      for (const e of audit.listeners) {
        if (e.target === k.target && e.type === k.type && e.listener === k.listener && e.capture === k.capture) {
          return add.call(this, type, listener, options);
        }
      }
      audit.listeners.add(k);
      if (signal) signal.addEventListener("abort", () => audit.listeners.delete(k));
    }
    return add.call(this, type, listener, options);
  };
  EventTarget.prototype.removeEventListener = function (type, listener, options) {
    const k = key(this, type, listener, options);
    for (const e of audit.listeners) {
      if (e.target === k.target && e.type === k.type && e.listener === k.listener && e.capture === k.capture) {
        audit.listeners.delete(e);
      }
    }
    return remove.call(this, type, listener, options);
  };
  const setI = window.setInterval;
  const clearI = window.clearInterval;
  window.setInterval = function (...args) {
    const id = setI.apply(window, args);
    audit.intervals.add(id);
    return id;
  };
  window.clearInterval = function (id) {
    audit.intervals.delete(id);
    return clearI.call(window, id);
  };
  // The page's own mount() (embed.js beside this folder, resolved from this script's address),
  // for the end-to-end tests: an import() in a WebDriver script can run in another realm
  // (Firefox's does) and load a second copy of the app.
  audit.mount = (element, options) => import("../embed.js").then((m) => m.mount(element, options));
  audit.globalListeners = () => audit.listeners.size;
  audit.activeIntervals = () => audit.intervals.size;
  window.__syncReportAudit = audit;
})();
