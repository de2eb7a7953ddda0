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
