// First loads over HTTP, the most common real deployment: the release app served by the
// reference server (server/) with its API over `size` generated entries, each load in a fresh
// Chromium profile (no HTTP or compiled-code cache). Per size: navigation to the first rows
// painted, with what the time is made of, and a jump to the middle of the table to its rows
// painted (the rows there are fetched from the server as the table reaches them).
//   node scripts/bench/first-load-http.mjs <dist> <server binary> <sizes> [repeats]
// scripts/bench-first-load.sh builds both and calls this; BENCHMARKS.md has the figures.
import { spawn } from "node:child_process";
import { firstLoadSteps, openBrowser, waitFirstPaint } from "./webdriver.mjs";

const [dist = "dist", serverBin = "target/server/sync-report-server", sizesArg = "100000,1000000",
  repeatsArg = "3"] = process.argv.slice(2);
const sizes = sizesArg.split(",").map(Number);
const REPEATS = Number(repeatsArg);
const median = xs => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const ms = v => v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(0)} ms`;

async function startServer(size) {
  const port = 9300 + Math.floor(Math.random() * 500);
  const server = spawn(serverBin, ["--listen", `127.0.0.1:${port}`, "--size", String(size), "--seed", "7",
    "--dist", dist], { stdio: "ignore" });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    try { if ((await fetch(`${base}/config.json`)).ok) return { server, base }; } catch {}
    await new Promise(r => setTimeout(r, 100));
  }
  server.kill();
  throw new Error(`the reference server did not start at ${size}`);
}

async function oneLoad(base) {
  const b = await openBrowser("first-load-http", ["--disable-features=BackForwardCache"]);
  try {
    await b.go(`${base}/?days=15`);
    const painted = await waitFirstPaint(b);
    if (painted == null) throw new Error("no first rows");
    const parts = await firstLoadSteps(b);
    // The middle of the table: placeholders first, then the rows fetched for it, painted.
    const jump = await b.jsAsync(`
      const done = arguments[0];
      const box = document.querySelector(".sr-table-wrap");
      const t0 = performance.now();
      box.scrollTop = (box.scrollHeight - box.clientHeight) / 2;
      box.dispatchEvent(new Event("scroll"));
      (function check() {
        const top = box.getBoundingClientRect().top, bottom = top + box.clientHeight;
        const rows = [...box.querySelectorAll("tbody tr.sr-row")].filter(r => {
          const b = r.getBoundingClientRect(); return b.bottom > top && b.top < bottom; });
        const ready = rows.length > 0 && rows.every(r => !r.classList.contains("sr-row--placeholder"));
        if (ready) return requestAnimationFrame(() => setTimeout(() => done(performance.now() - t0), 0));
        if (performance.now() - t0 > 60000) return done(null);
        requestAnimationFrame(check);
      })();`);
    if (jump == null) throw new Error("the middle rows never came");
    return { painted, parts, jump };
  } finally {
    await b.close();
  }
}

const lines = ["| entries | navigation → first rows painted | what it is made of (the median run) | jump to the middle → its rows painted |",
  "|---:|---:|---|---:|"];
for (const size of sizes) {
  process.stderr.write(`first loads over HTTP, ${size.toLocaleString("en")} entries…`);
  const { server, base } = await startServer(size);
  const runs = [];
  try {
    for (let r = 0; r < REPEATS; r++) runs.push(await oneLoad(base));
  } finally {
    server.kill();
  }
  process.stderr.write(" done\n");
  const first = median(runs.map(r => r.painted));
  const m = runs.find(r => r.painted === first) || runs[0];
  const p = m.parts;
  // The first requests leave at load-start, before the page's components are built
  // (view-start → mounted); their answers are taken once it is (mounted → loaded).
  lines.push(`| ${size.toLocaleString("en")} | ${ms(first)} | download ${ms(p.responseEnd)}, compile and start (\`config.json\` included) ${ms(p.loadStart - p.responseEnd)}, ` +
    `the page built ${ms(p.mounted - p.viewStart)} while the first requests are out, then their answers (the summary's included) ${ms(p.loaded - p.mounted)}, paint ${ms(p.painted - p.loaded)} | ${ms(median(runs.map(r => r.jump)))} |`);
}
console.log(lines.join("\n"));
