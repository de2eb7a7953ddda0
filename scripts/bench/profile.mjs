// Where our app spends its time in the browser: a CPU profile (self time per function, wasm
// function names included) of the CSV export, a search, a first sort by Reference or a fling
// scroll, or the JS heap of a fresh page. csv-first: a page's first export, each on a fresh page.
// scripts/bench/profile.sh builds a dist that keeps the names and calls this:
//   node scripts/bench/profile.mjs <dist> <entries> <csv|csv-first|search|sort|fling|heap>
// Environment: REPS (runs, default 5), NOPROF=1 (times only, no profiler), STEPS=1 (each
// export's time to its rows, to the file written and to the Blob), SORT=<column class, e.g.
// reference> (export the view sorted by that column), JSFLAGS (V8 flags
// for Chromium, e.g. "--no-liftoff --no-wasm-lazy-compilation" to compile every wasm function
// optimised up front: what a first run owes to tiering up shows as the difference).
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join } from "node:path";
import { FLING } from "./fling.mjs";
import { openBrowser } from "./webdriver.mjs";

const [dist, sizeArg = "100000", mode = "csv"] = process.argv.slice(2);
const size = Number(sizeArg);
const reps = Number(process.env.REPS || 5);
const profiling = !process.env.NOPROF;
const types = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css",
  ".json": "application/json", ".wasm": "application/wasm" };
const server = createServer(async (req, res) => {
  const path = new URL(req.url, "http://x").pathname;
  if (path === "/config.json") {
    const config = { mode: "demo", demo_size: size, demo_seed: 7, demo_now: "2026-11-27T12:00:00Z" };
    return res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(config));
  }
  try {
    const file = join(dist, path === "/" ? "index.html" : path);
    res.writeHead(200, { "content-type": types[extname(file)] || "application/octet-stream" })
      .end(await readFile(file));
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise(r => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${server.address().port}/`;

const browser = await openBrowser("profile", process.env.JSFLAGS ? [`--js-flags=${process.env.JSFLAGS}`] : []);
const { cmd, js, jsAsync, cdp } = browser;
const sleep = ms => new Promise(r => setTimeout(r, ms));
const marks = name => js(`return performance.getEntriesByName("sync-report:${name}").map(m => m.startTime)`);
const median = xs => [...xs].sort((a, b) => a - b)[xs.length >> 1];
// A fresh page, once its first rows are painted and it has settled.
const load = async () => {
  await cmd("POST", "/url", { url: `${base}?days=15` });
  for (let i = 0; i < 1200 && !(await marks("painted")).length; i++) await sleep(100);
  await sleep(500);
};

try {
  await cmd("POST", "/timeouts", { script: 600_000, pageLoad: 300_000 });
  await cdp("Browser.setDownloadBehavior", { behavior: "deny" });
  await load();
  if (mode === "heap") {
    await cdp("HeapProfiler.collectGarbage");
    const h = await cdp("Runtime.getHeapUsage");
    console.log(`${size.toLocaleString("en")} entries: JS heap ${(h.usedSize / 1e6).toFixed(1)} MB after GC`);
  } else {
    if (profiling) {
      await cdp("Profiler.enable");
      await cdp("Profiler.setSamplingInterval", { interval: 100 });
      await cdp("Profiler.start");
    }
    const times = [], profiles = [];
    for (let r = 0; r < reps; r++) {
      if ((mode === "sort" || mode === "csv-first") && r > 0) {
        // A first run on a fresh page each time. Only the operation is profiled, not the page
        // loads between.
        if (profiling) profiles.push((await cdp("Profiler.stop")).profile);
        await load();
        if (profiling) await cdp("Profiler.start");
      }
      if (mode === "sort") {
        // A column's first sort, by Reference (a text column).
        const n = (await marks("painted")).length;
        const t = await js(`const t = performance.now();
          document.querySelector("th.sr-col-reference .sr-sort-btn").click(); return t;`);
        for (let i = 0; i < 1000 && (await marks("painted")).length <= n; i++) await sleep(10);
        times.push((await marks("painted")).at(-1) - t);
        continue;
      }
      if (mode === "fling") {
        const frames = await jsAsync(FLING, [".sr-table-wrap", 120]);
        times.push(Math.max(...frames));
        continue;
      }
      if (mode === "search") {
        for (const term of ["shopify", ""]) {
          const n = (await marks("painted")).length;
          await js(`const i = document.querySelector("input[type=search]"); i.value = arguments[0];
            i.dispatchEvent(new Event("input", { bubbles: true }));`, [term]);
          for (let i = 0; i < 1000 && (await marks("painted")).length <= n; i++) await sleep(10);
          if (term) times.push((await marks("painted")).at(-1) - (await marks("load-start")).at(-1));
          await sleep(200);
        }
        continue;
      }
      if (process.env.SORT && (mode === "csv-first" || r === 0)) {
        // The export of a sorted view: rows read in that column's order.
        const n = (await marks("painted")).length;
        await js(`document.querySelector("th.sr-col-${process.env.SORT} .sr-sort-btn").click()`);
        for (let i = 0; i < 1000 && (await marks("painted")).length <= n; i++) await sleep(10);
        await sleep(200);
      }
      await js(`document.querySelector("button[aria-label=Actions]").click()`);
      await js(`[...document.querySelectorAll("[role=menuitem]")].find(b => b.textContent.trim() === "Download as CSV").click()`);
      await sleep(100);
      const before = (await marks("csv-ready")).length;
      await js(`[...document.querySelectorAll("dialog[open] button")].find(b => b.textContent.startsWith("Download ")).click()`);
      for (let i = 0; i < 3000 && (await marks("csv-ready")).length <= before; i++) await sleep(20);
      const [start, ready] = [(await marks("csv-start")).at(-1), (await marks("csv-ready")).at(-1)];
      times.push(ready - start);
      if (process.env.STEPS) {
        const at = async n => (await marks(n)).at(-1) - start;
        console.log(`  rows ${(await at("csv-rows")).toFixed(1)}, written ${(await at("csv-written")).toFixed(1)}, ready ${(ready - start).toFixed(1)} ms`);
      }
      await sleep(300);
    }
    const what = { fling: "slowest frame of each fling", search: "search \"shopify\" to painted",
      sort: "first sort by Reference (each on a fresh page) to painted",
      "csv-first": "a page's first CSV export (each on a fresh page)" }[mode] || "CSV export";
    console.log(`${size.toLocaleString("en")} entries, ${what}: ${times.map(t => t.toFixed(1)).join(", ")} ms; median ${median(times).toFixed(1)} ms`);
    if (profiling) {
      profiles.push((await cdp("Profiler.stop")).profile);
      const self = new Map();
      for (const profile of profiles) {
        const byId = new Map(profile.nodes.map(n => [n.id, n]));
        profile.samples.forEach((id, i) => {
          const f = byId.get(id).callFrame;
          const key = f.functionName || (f.url ? `(anonymous) ${f.url.split("/").pop()}` : "(anonymous)");
          self.set(key, (self.get(key) || 0) + (profile.timeDeltas[i] || 0));
        });
      }
      console.log(`self time over all ${reps} runs, ms (idle included):`);
      for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
        console.log(`${(us / 1000).toFixed(1).padStart(9)}  ${k.slice(0, 150)}`);
      }
    }
  }
} finally {
  await browser.close();
  server.close();
}
