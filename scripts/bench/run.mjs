// The browser benchmark: our release build and AG Grid Community, on the same generated
// entries, in one headless Chromium session over WebDriver. Prints every figure, ours and AG
// Grid's, the ratio, and the slowest step of each of ours (from our User Timing marks).
//   node scripts/bench/run.mjs <dist> <data dir> <sizes, e.g. 100000,1000000> [repeats]
// scripts/bench.sh builds everything and calls this; see BENCHMARKS.md for what each figure is.
import { createServer } from "node:http";
import { readFile, writeFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { brotliCompressSync, constants as zlibConstants } from "node:zlib";
import { FLING } from "./fling.mjs";
import { chromium, firstLoadSteps, openBrowser, waitFirstPaint } from "./webdriver.mjs";

const [dist = "dist", dataDir = "target/bench", sizesArg = "100000,1000000", repeatsArg = "5"] =
  process.argv.slice(2);
const sizes = sizesArg.split(",").map(Number);
const REPEATS = Number(repeatsArg);
const SEED = 7;
const NOW = "2026-11-27T12:00:00Z";
const SEARCH = "shopify";
const MIN_SIZE = 10;

// ---- a static server: the app under /app/<size>/ with its config, AG Grid, the data --------
const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript",
  ".css": "text/css", ".json": "application/json", ".wasm": "application/wasm" };
// `cached`: serve as a web host would, the build's hashed files immutable and the rest
// revalidated, their precompressed brotli sent, for the first-load figures (a second server, on
// its own port: there the HTTP cache and the compiled-code cache can work). Otherwise
// everything is no-cache, so no other figure leans on a cache by accident.
const serve = cached => async (req, res) => {
  const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
  let file;
  const app = path.match(/^\/app\/(\d+)\/(.*)$/);
  if (app && app[2] === "config.json") {
    const body = JSON.stringify({ mode: "demo", demo_size: Number(app[1]), demo_seed: SEED, demo_now: NOW });
    res.writeHead(200, { "content-type": "application/json" }).end(body);
    return;
  } else if (app) file = join(dist, app[2] || "index.html");
  else if (path === "/ag-grid.html") file = "scripts/bench/ag-grid.html";
  else if (path === "/ag-grid-community.min.js") file = "node_modules/ag-grid-community/dist/ag-grid-community.min.js";
  else if (path.startsWith("/data/")) file = join(dataDir, path.slice(6));
  else file = join(dist, path);
  file = normalize(file);
  try {
    let body = await readFile(file);
    const immutable = cached && /-[0-9a-f]{16}(_bg)?\.(wasm|js|css)$/.test(file);
    const headers = { "content-type": types[extname(file)] || "application/octet-stream",
      "cache-control": immutable ? "public, max-age=31536000, immutable" : "no-cache" };
    // The first-load server sends the build's precompressed brotli, as a host would (README:
    // Building a release and hosting it).
    if (cached && (req.headers["accept-encoding"] || "").includes("br")) {
      const br = await readFile(file + ".br").catch(() => null);
      if (br) {
        body = br;
        headers["content-encoding"] = "br";
      }
    }
    res.writeHead(200, headers);
    res.end(body);
  } catch {
    res.writeHead(404).end("not found");
  }
};
const server = createServer(serve(false));
await new Promise(r => server.listen(0, "127.0.0.1", r));
const base = `http://127.0.0.1:${server.address().port}`;
const cachingServer = createServer(serve(true));
await new Promise(r => cachingServer.listen(0, "127.0.0.1", r));
const cachingBase = `http://127.0.0.1:${cachingServer.address().port}`;

// ---- the browser --------------------------------------------------------------------------
const browserVersion = execFileSync(chromium, ["--version"]).toString().trim().replace(/\s+built on.*/, "");
const browser = await openBrowser("bench", ["--enable-precise-memory-info", "--js-flags=--expose-gc",
  // Pages navigated away from must not stay alive in the back-forward cache: their heaps
  // would count in the next page's memory figure.
  "--disable-features=BackForwardCache"]);
const { cmd, go, js, jsAsync, cdp } = browser;
await cmd("POST", "/timeouts", { script: 600_000, pageLoad: 300_000 });
await cdp("Browser.setDownloadBehavior", { behavior: "deny" });
// Before any page script: keep the wasm instance (its memory), and a heartbeat that measures
// the longest stretch the main thread was busy (a message task between any two others).
await cdp("Page.addScriptToEvaluateOnNewDocument", { source: `
  addEventListener("TrunkApplicationStarted", e => { window.__wasm = e.detail.wasm; });
  window.__beat = { on: false, max: 0 };
  window.__startBeat = () => {
    const b = window.__beat, ch = new MessageChannel();
    b.on = true; b.max = 0; let last = performance.now();
    ch.port1.onmessage = () => { const t = performance.now(); b.max = Math.max(b.max, t - last); last = t; if (b.on) ch.port2.postMessage(0); };
    ch.port2.postMessage(0);
  };
  window.__stopBeat = () => { window.__beat.on = false; return window.__beat.max; };
` });
const heapUsed = async () => {
  await cdp("HeapProfiler.collectGarbage");
  return (await cdp("Runtime.getHeapUsage")).usedSize;
};

const median = xs => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

// Waits for mark `name` newer than `after` (ms on the page's clock) and returns its time.
const waitMark = (name, after) => jsAsync(`
  const [name, after, done] = arguments;
  const t0 = performance.now();
  (function poll() {
    const m = performance.getEntriesByName(name, "mark").filter(m => m.startTime > after);
    if (m.length) return done(m[m.length - 1].startTime);
    if (performance.now() - t0 > 120000) return done(null);
    setTimeout(poll, 5);
  })();`, [`sync-report:${name}`, after]);

// Slowest step between consecutive marks in [from, to]; `start` names the moment `from` when
// it is not a mark itself (the navigation, a click).
const slowest = (from, to, start = from === 0 ? "navigation" : "") => js(`
  const [from, to, start] = arguments;
  const ms = performance.getEntriesByType("mark").filter(m => m.startTime >= from - 0.01 && m.startTime <= to + 0.01)
    .sort((a, b) => a.startTime - b.startTime);
  if (start) ms.unshift({ name: start, startTime: from });
  let best = ["", 0];
  for (let i = 1; i < ms.length; i++) {
    const d = ms[i].startTime - ms[i - 1].startTime;
    if (d > best[1]) best = [ms[i - 1].name.replace("sync-report:", "") + " → " + ms[i].name.replace("sync-report:", ""), d];
  }
  return best;`, [from, to, start]);

// A fast fling through the whole table, a new position every frame: frame durations.
const results = [];
const record = (size, op, ours, theirs, step = "", unit = "ms") => results.push({ size, op, ours, theirs, step, unit });

// Clicks a column's sort button; returns [click time, painted time].
async function sortBy(col) {
  const t = await js(`const t = performance.now(); document.querySelector("th.sr-col-${col} .sr-sort-btn").click(); return t;`);
  return [t, await waitMark("painted", t)];
}

// Downloads the view as CSV (menu, dialog, Download) with the heartbeat running; returns the
// time from the click's `csv-start` to the Blob's `csv-ready`, the longest main-thread task and
// the slowest step.
async function ourCsv() {
  await js(`document.querySelector("button[aria-label=Actions]").click()`);
  await js(`[...document.querySelectorAll("[role=menuitem]")].find(b => b.textContent.trim() === "Download as CSV").click()`);
  await js("window.__startBeat()");
  await new Promise(r => setTimeout(r, 50));
  const c0 = await js(`const b = [...document.querySelectorAll("dialog[open] button")].find(b => b.textContent.startsWith("Download "));
    const t = performance.now(); b.click(); return t;`);
  const start = await waitMark("csv-start", c0 - 1);
  const ready = await waitMark("csv-ready", start);
  const step = await slowest(start, ready);
  const longest = await js("return window.__stopBeat()");
  await new Promise(r => setTimeout(r, 300));
  return { time: ready - start, longest, step };
}

async function ourPage(size) {
  await go(`${base}/app/${size}/?days=15`);
  const painted = await waitMark("painted", 0);
  if (painted == null) throw new Error(`our app did not paint at ${size}`);
  return painted;
}

// The first load as a first-time visitor has it: a fresh browser profile (no HTTP cache, no
// compiled-code cache), navigation to the first rows painted, with what the time is made of.
// Then "warm": the same page loaded twice more in that profile (the third load finds the wasm
// in the HTTP cache and its compiled code cached), from the caching server.
async function firstLoads(size) {
  const cold = [], warm = [], parts = { cold: [], warm: [] };
  for (let r = 0; r < Math.min(REPEATS, 3); r++) {
    const fresh = await openBrowser("first-load", ["--disable-features=BackForwardCache"]);
    try {
      for (let visit = 0; visit < 3; visit++) {
        await fresh.go(`${cachingBase}/app/${size}/?days=15`);
        const painted = await waitFirstPaint(fresh);
        if (painted == null) throw new Error(`no first rows at ${size}`);
        const b = await firstLoadSteps(fresh);
        if (visit === 0) { cold.push(painted); parts.cold.push(b); }
        if (visit === 2) { warm.push(painted); parts.warm.push(b); }
      }
    } finally {
      await fresh.close();
    }
  }
  // The run whose time is the median, described step by step.
  const describe = (times, runs) => {
    const b = runs[times.indexOf(median(times))];
    const ms = v => `${v.toFixed(0)} ms`;
    // In order: the first query and summary run before the page's components are built
    // (load-start → view-start), the rows are taken once it is (mounted → loaded).
    return `download ${ms(b.responseEnd)} (wasm ${b.transfer ? `${(b.transfer / 1024).toFixed(0)} KiB sent` : "from cache"}), ` +
      `compile + start ${ms(b.start - b.responseEnd)}, generation ${ms(b.ready - b.start)}, ` +
      `query and summary ${ms(b.viewStart - b.loadStart)}, the page built ${ms(b.mounted - b.viewStart)}, ` +
      `rows taken ${ms(b.loaded - b.mounted)}, paint ${ms(b.painted - b.loaded)}`;
  };
  return { cold: median(cold), warm: median(warm), coldParts: describe(cold, parts.cold), warmParts: describe(warm, parts.warm) };
}

async function benchOurs(size) {
  const first = [], mount = [], sortSyncFirst = [], sortRefFirst = [], csvFirst = [];
  const steps = {}; // each operation's slowest step between our marks, in its latest run
  let wasm = 0;
  for (let r = 0; r < Math.min(REPEATS, 3); r++) {
    const painted = await ourPage(size);
    const ready = await js(`return performance.getEntriesByName("sync-report:demo-ready")[0].startTime`);
    first.push(painted);
    mount.push(painted - ready);
    steps.first = await slowest(0, painted);
    steps.mount = await slowest(ready, painted);
    wasm = await js("return window.__wasm ? window.__wasm.memory.buffer.byteLength : 0");
    // A column's first sort on a fresh page computes its order (later ones reuse it): a
    // number column, then the text one.
    for (const [col, out, key] of [["syncid", sortSyncFirst, "sortSyncFirst"], ["reference", sortRefFirst, "sortRefFirst"]]) {
      const [t, done] = await sortBy(col);
      out.push(done - t);
      steps[key] = await slowest(t, done, "click");
    }
    // The page's first export (of the view sorted by Reference): what a user who opens the
    // report and downloads it waits for. Later exports on one page are measured below.
    const c = await ourCsv();
    csvFirst.push(c.time);
    steps.csvFirst = c.step;
  }
  // The operations below start from a freshly loaded page in its default order.
  await ourPage(size);
  const jsHeap = await heapUsed();
  // Operations on the loaded page, each timed from its start to the painted result.
  const search = [], filter = [], sort = [], csv = [], csvLong = [], facetsStatus = [], facetsSystems = [];
  for (let r = 0; r < REPEATS; r++) {
    const t0 = await js(`const i = document.querySelector("input[type=search]"); i.value = arguments[0];
      i.dispatchEvent(new Event("input", { bubbles: true })); return performance.now();`, [SEARCH]);
    const start = await waitMark("load-start", t0);
    const done = await waitMark("painted", start);
    search.push(done - start);
    steps.search = await slowest(start, done);
    const t1 = await js(`const i = document.querySelector("input[type=search]"); i.value = "";
      i.dispatchEvent(new Event("input", { bubbles: true })); return performance.now();`);
    await waitMark("painted", await waitMark("load-start", t1));

    const f0 = await js(`const b = [...document.querySelectorAll(".sr-strip-counts button")].find(b => b.textContent.startsWith("Failed"));
      const t = performance.now(); b.click(); return t;`);
    const filtered = await waitMark("painted", f0);
    filter.push(filtered - f0);
    steps.filter = await slowest(f0, filtered, "click");
    const f1 = await js(`const b = [...document.querySelectorAll(".sr-strip-counts button")].find(b => b.textContent.startsWith("Failed"));
      const t = performance.now(); b.click(); return t;`);
    await waitMark("painted", f1);

    const [s0, sorted] = await sortBy("syncid");
    sort.push(sorted - s0);
    steps.sort = await slowest(s0, sorted, "click");

    // A header filter opened: its values with their counts under the view, painted.
    for (const [key, name, list] of [["facetsStatus", "Filter Status", facetsStatus], ["facetsSystems", "Filter Systems", facetsSystems]]) {
      const m0 = await js(`const t = performance.now(); document.querySelector("button[aria-label='${name}']").click(); return t;`);
      const shown = await waitMark("facets-painted", m0);
      list.push(shown - m0);
      steps[key] = await slowest(m0, shown, "click");
      await js(`document.querySelector("button[aria-label='${name}']").click()`);
    }
  }
  const frames = [];
  for (let r = 0; r < 2; r++) frames.push(...await jsAsync(FLING, [".sr-table-wrap", 120]));
  for (let r = 0; r < Math.min(REPEATS, 3); r++) {
    const c = await ourCsv();
    csv.push(c.time);
    steps.csv = c.step;
    csvLong.push(c.longest);
  }
  return { first: median(first), steps, mount: median(mount), search: median(search),
    filter: median(filter), facetsStatus: median(facetsStatus), facetsSystems: median(facetsSystems),
    sort: median(sort), sortSyncFirst: median(sortSyncFirst), sortRefFirst: median(sortRefFirst),
    csvFirst: median(csvFirst), csv: median(csv), csvRuns: csv, csvLong: Math.max(...csvLong), frames, wasm, jsHeap };
}

async function benchAgGrid(size) {
  const mount = [], sortSyncFirst = [], sortRefFirst = [], csvFirst = [];
  let heap = 0, heapBefore = 0;
  for (let r = 0; r < Math.min(REPEATS, 3); r++) {
    await go(`${base}/ag-grid.html`);
    heapBefore = await heapUsed();
    await jsAsync("const [n, done] = arguments; bench.load(n).then(done)", [size]);
    mount.push(await jsAsync("const done = arguments[0]; bench.mount().then(done)"));
    heap = await heapUsed();
    sortSyncFirst.push(await jsAsync("const done = arguments[0]; bench.sort('sync_id', 'asc').then(done)"));
    sortRefFirst.push(await jsAsync("const done = arguments[0]; bench.sort('reference', 'asc').then(done)"));
    csvFirst.push((await jsAsync("const done = arguments[0]; bench.csv().then(done)"))[0]);
    await jsAsync("const done = arguments[0]; bench.sort('created', 'desc').then(done)");
  }
  const search = [], filter = [], sort = [], csv = [], csvLong = [];
  for (let r = 0; r < REPEATS; r++) {
    search.push((await jsAsync("const [t, done] = arguments; bench.quickFilter(t).then(done)", [SEARCH]))[0]);
    filter.push((await jsAsync("const done = arguments[0]; bench.filterStatus('Failed').then(done)"))[0]);
    sort.push(await jsAsync("const [d, done] = arguments; bench.sort('sync_id', d).then(done)", [r % 2 ? "asc" : "desc"]));
  }
  const frames = [];
  for (let r = 0; r < 2; r++) frames.push(...await jsAsync(FLING, [".ag-body-viewport|.ag-body-vertical-scroll-viewport", 120]));
  for (let r = 0; r < Math.min(REPEATS, 3); r++) {
    await js("window.__startBeat()");
    await new Promise(r => setTimeout(r, 50));
    const [t] = await jsAsync("const done = arguments[0]; bench.csv().then(done)");
    csv.push(t);
    csvLong.push(await js("return window.__stopBeat()"));
  }
  return { mount: median(mount), search: median(search), filter: median(filter), sort: median(sort),
    sortSyncFirst: median(sortSyncFirst), sortRefFirst: median(sortRefFirst),
    csvFirst: median(csvFirst), csv: median(csv), csvLong: Math.max(...csvLong), frames, heap, heapBefore };
}

// The wasm memory of an almost empty demo: what the app needs before any entry.
await ourPage(MIN_SIZE);
const baseWasm = await js("return window.__wasm ? window.__wasm.memory.buffer.byteLength : 0");
const baseHeap = await heapUsed();

const meta = {};
// What a first visit downloads, brotli at its highest quality as a server would precompress it:
// our wasm and JS (as scripts/size.sh counts them), and AG Grid's bundle alone (a grid without
// an app around it).
const brotli = file => {
  const buf = readFileSync(file);
  return brotliCompressSync(buf, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11,
    [zlibConstants.BROTLI_PARAM_SIZE_HINT]: buf.length } }).length;
};
const ourTransfer = readdirSync(dist).filter(f => /\.(wasm|js)$/.test(f))
  .reduce((sum, f) => sum + brotli(join(dist, f)), 0);
record(null, "transfer: wasm + JS, brotli (AG Grid: its bundle alone)", ourTransfer,
  brotli("node_modules/ag-grid-community/dist/ag-grid-community.min.js"), "", "KiB");

for (const size of sizes) {
  meta[size] = JSON.parse(await readFile(join(dataDir, `data-${size}.meta.json`), "utf8"));
  process.stderr.write(`benchmarking ${size.toLocaleString("en")} entries: ours…`);
  const f = await firstLoads(size);
  const o = await benchOurs(size);
  process.stderr.write(` (CSV runs: ${o.csvRuns.map(t => t.toFixed(0)).join(", ")} ms)`);
  process.stderr.write(" AG Grid…");
  const a = await benchAgGrid(size);
  process.stderr.write(" done\n");
  const p = (xs, q) => { const s = [...xs].sort((x, y) => x - y); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };
  const step = k => o.steps[k] ? `${o.steps[k][0]} (${o.steps[k][1].toFixed(0)} ms)` : "";
  record(size, "first load, cold: a fresh profile, navigation → first rows painted", f.cold, null, f.coldParts);
  record(size, "first load, warm: HTTP and compiled-code caches, navigation → first rows painted", f.warm, null, f.warmParts);
  record(size, "first table paint after navigation", o.first, null, step("first"));
  record(size, "mount: data in memory → first rows painted", o.mount, a.mount, step("mount"));
  record(size, `search "${SEARCH}" → painted`, o.search, a.search, step("search"));
  record(size, "filter status = Failed → painted", o.filter, a.filter, step("filter"));
  // AG Grid Community's set filter (with its value list) is an Enterprise feature: no counts.
  record(size, "open the Status filter → its values with counts painted", o.facetsStatus, null, step("facetsStatus"));
  record(size, "open the Systems filter (source and destination) → values with counts painted", o.facetsSystems, null, step("facetsSystems"));
  record(size, "sort by Sync ID, the column's first sort → painted", o.sortSyncFirst, a.sortSyncFirst, step("sortSyncFirst"));
  record(size, "sort by Reference (text), the column's first sort → painted", o.sortRefFirst, a.sortRefFirst, step("sortRefFirst"));
  record(size, "sort by Sync ID again, direction toggled → painted", o.sort, a.sort, step("sort"));
  record(size, `CSV of every entry → Blob, a page's first export, sorted by Reference (ours ${meta[size].csv_columns} columns, AG Grid 8)`,
    o.csvFirst, a.csvFirst, step("csvFirst"));
  record(size, `CSV of every entry → Blob, later exports (ours ${meta[size].csv_columns} columns, AG Grid 8)`, o.csv, a.csv, step("csv"));
  record(size, "longest main-thread task during the CSV", o.csvLong, a.csvLong, "");
  record(size, "fling scroll: slowest frame", Math.max(...o.frames), Math.max(...a.frames), "");
  record(size, "fling scroll: 95th percentile frame", p(o.frames, 0.95), p(a.frames, 0.95), "");
  const over = f => f.filter(t => t > 34).length;
  record(size, `fling scroll: frames over two refreshes, > 34 ms (of ${o.frames.length})`, over(o.frames), over(a.frames), "", "");
  const perEntry = (o.wasm - baseWasm + Math.max(0, o.jsHeap - baseHeap)) / size;
  record(size, "memory per entry (ours: wasm + JS heap; AG Grid: JS heap)", perEntry, (a.heap - a.heapBefore) / size,
    `wasm ${((o.wasm - baseWasm) / size).toFixed(0)} B, JS ${(Math.max(0, o.jsHeap - baseHeap) / size).toFixed(0)} B`, "B");
  record(size, `wasm memory per entry beyond the raw data (raw ${meta[size].raw_bytes_per_entry.toFixed(0)} B)`,
    (o.wasm - baseWasm) / size - meta[size].raw_bytes_per_entry, null, "", "B");
}

const fmt = (v, unit) => v == null ? "—" : unit === "" ? String(v) : unit === "B" ? `${v.toFixed(0)} B` :
  unit === "KiB" ? `${(v / 1024).toFixed(1)} KiB` : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(1)} ms`;
const lines = [];
lines.push(`Browser benchmark, ${new Date().toISOString().slice(0, 10)}, ${browserVersion} headless, ` +
  `${(await import("node:os")).cpus().length} CPUs (${(await import("node:os")).cpus()[0].model.trim()}); ` +
  `medians of ${REPEATS} (page loads, first sorts and CSV: ${Math.min(REPEATS, 3)}). AG Grid Community ` +
  JSON.parse(await readFile("node_modules/ag-grid-community/package.json", "utf8")).version + ".");
lines.push("");
lines.push("| entries | operation | ours | AG Grid | AG Grid ÷ ours | our slowest step |");
lines.push("|---:|---|---:|---:|---:|---|");
for (const r of results) {
  const q = r.ours != null && r.theirs != null && r.ours > 0 ? r.theirs / r.ours : null;
  const ratio = q == null ? "—" : `${q.toFixed(q < 2 ? 2 : 1)}×`;
  lines.push(`| ${r.size == null ? "any" : r.size.toLocaleString("en")} | ${r.op} | ${fmt(r.ours, r.unit)} | ${fmt(r.theirs, r.unit)} | ${ratio} | ${r.step} |`);
}
console.log(lines.join("\n"));
await writeFile(join(dataDir, "results.md"), lines.join("\n") + "\n");
await writeFile(join(dataDir, "results.json"), JSON.stringify({ browser: browserVersion, results, meta }, null, 2));

await browser.close();
server.close();
cachingServer.close();
