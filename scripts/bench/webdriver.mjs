// WebDriver over fetch, against a chromedriver of our own, for the benchmark (run.mjs) and the
// profiler (profile.mjs). The browser's profile and temp files go to one scratch directory,
// removed by close(), or when the script is interrupted.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const chromium = process.env.CHROMIUM || "/usr/bin/chromium";

/** Starts chromedriver and a headless Chromium session (1280×900) with `args` added. */
export async function openBrowser(name, args = []) {
  const scratch = mkdtempSync(join(tmpdir(), `sr-${name}-`));
  const port = 9600 + Math.floor(Math.random() * 390);
  const driver = spawn(process.env.CHROMEDRIVER || "chromedriver", [`--port=${port}`],
    { stdio: "ignore", env: { ...process.env, TMPDIR: scratch } });
  const wd = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 50; i++) {
    try { if ((await fetch(`${wd}/status`)).ok) break; } catch {}
    await new Promise(r => setTimeout(r, 100));
  }
  const created = await (await fetch(`${wd}/session`, { method: "POST", body: JSON.stringify({ capabilities: {
    alwaysMatch: { browserName: "chrome", "goog:chromeOptions": { binary: chromium, args: ["--headless=new",
      "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900", ...args,
      `--user-data-dir=${join(scratch, "profile")}`] } } } }) })).json();
  const sid = created.value.sessionId;
  if (!sid) {
    driver.kill();
    rmSync(scratch, { recursive: true, force: true });
    throw new Error(`no WebDriver session: ${JSON.stringify(created)}`);
  }
  const cmd = async (method, path, body) => {
    const r = await fetch(`${wd}/session/${sid}${path}`, { method, body: body ? JSON.stringify(body) : undefined });
    const v = (await r.json()).value;
    if (v && v.error) throw new Error(`${path}: ${v.error}: ${v.message}`);
    return v;
  };
  const close = async () => {
    await fetch(`${wd}/session/${sid}`, { method: "DELETE" }).catch(() => {});
    driver.kill();
    rmSync(scratch, { recursive: true, force: true });
  };
  // Stopped from outside (Ctrl-C, kill): Chromium, chromedriver and the scratch directory go
  // too, instead of outliving the script.
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.once(signal, () => close().finally(() => process.exit(128 + (signal === "SIGINT" ? 2 : 15))));
  }
  return {
    cmd,
    go: url => cmd("POST", "/url", { url }),
    js: (script, args = []) => cmd("POST", "/execute/sync", { script, args }),
    jsAsync: (script, args = []) => cmd("POST", "/execute/async", { script, args }),
    cdp: (c, params = {}) => cmd("POST", "/goog/cdp/execute", { cmd: c, params }),
    close,
  };
}

/** Waits for our first `sync-report:painted` mark in browser `b`'s page (2 min at most):
 * its time on the page's clock, or null. */
export const waitFirstPaint = (b) => b.jsAsync(`
  const done = arguments[0], t0 = performance.now();
  (function poll() {
    const m = performance.getEntriesByName("sync-report:painted", "mark")[0];
    if (m) return done(m.startTime);
    if (performance.now() - t0 > 120000) return done(null);
    setTimeout(poll, 5);
  })();`);

/** A first load's steps in browser `b`'s page: the wasm's last byte (and bytes sent) and our
 * marks, on the page's clock. */
export const firstLoadSteps = (b) => b.js(`
  const mark = n => (performance.getEntriesByName("sync-report:" + n, "mark")[0] || {}).startTime;
  const wasm = performance.getEntriesByType("resource").find(e => e.name.endsWith(".wasm"));
  return { responseEnd: wasm ? wasm.responseEnd : null, transfer: wasm ? wasm.transferSize : null,
    start: mark("demo-start"), ready: mark("demo-ready"), loadStart: mark("load-start"),
    viewStart: mark("view-start"), mounted: mark("mounted"), loaded: mark("loaded"),
    painted: mark("painted") };`);
