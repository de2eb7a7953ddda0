// The host dashboard's code: mounts one report through the API, themes both, logs their events.
import { mount } from "../embed.js";

const log = document.getElementById("event-log");
const events = [
  "selection-change",
  "resync-requested",
  "resync-completed",
  "export-completed",
  "error",
];
for (const name of events) {
  // Report events bubble, so one listener on the document hears every report on the page.
  document.addEventListener(`sync-report:${name}`, (e) => {
    const report = e.target.id;
    window.__syncReportAudit?.events.push({ type: e.type, report, detail: e.detail });
    const li = document.createElement("li");
    li.textContent = `${report}: ${name} ${JSON.stringify(e.detail).slice(0, 160)}`;
    log.prepend(li);
  });
}

const slot = document.getElementById("failures");
const options = {
  mode: "demo",
  demoSize: 3000,
  filters: "status=Failed&days=15",
  theme: "light",
  urlPrefix: "failures_",
};
let handle = await mount(slot, options);
window.failuresReport = handle;

let dark = false;
document.getElementById("theme-toggle").addEventListener("click", (e) => {
  dark = !dark;
  handle?.update({ theme: dark ? "dark" : "light" });
  e.currentTarget.textContent = dark ? "Light reports" : "Dark reports";
  const declarative = document.querySelector("#all-syncs .sr-root");
  if (declarative) declarative.dataset.theme = dark ? "dark" : "light";
});

const unmountBtn = document.getElementById("unmount");
const remountBtn = document.getElementById("remount");
unmountBtn.addEventListener("click", () => {
  handle.unmount();
  handle = null;
  unmountBtn.disabled = true;
  remountBtn.disabled = false;
});
remountBtn.addEventListener("click", async () => {
  handle = await mount(slot, options);
  window.failuresReport = handle;
  unmountBtn.disabled = false;
  remountBtn.disabled = true;
});
