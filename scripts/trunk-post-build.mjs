// Trunk post-build hook (Trunk.toml [[hooks]]). Runs in Trunk's staging directory:
//
// 1. Moves Trunk's inline start-up <script type="module"> into a file of its own (boot-<hash>.js,
//    with an integrity hash), so the page runs under a strict Content-Security-Policy with no
//    inline scripts: script-src 'self' 'wasm-unsafe-eval'.
// 2. Release builds: minifies wasm-bindgen's JS glue with terser (Trunk leaves it as written:
//    67 KB, 9.3 KB brotli; minified 30 KB, 7.0 KB brotli) and updates its integrity hash.
// 3. Writes embed.js, a stable name for host pages: `import { mount } from "/embed.js"` loads the
//    hashed app module, its wasm and its stylesheet once, mounts any [data-sync-report]
//    elements, and exports mount(element, options).
// 4. Release builds: writes each wasm, JS and CSS file precompressed beside it, `.br` (brotli, its
//    highest quality) and `.gz` (gzip -9), for hosts that serve precompressed files (nginx
//    brotli_static/gzip_static, Caddy's precompressed, the reference server): a first visit
//    then downloads the wasm at 326 KiB instead of 418 KiB gzipped on the fly (README: Building
//    a release and hosting it).
import { createHash } from "node:crypto";
import { brotliCompressSync, constants as zlib, gzipSync } from "node:zlib";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const dir = process.env.TRUNK_STAGING_DIR;
const base = process.env.TRUNK_PUBLIC_URL || "/";
if (!dir) {
  console.error("trunk-post-build: TRUNK_STAGING_DIR is not set (run by trunk build)");
  process.exit(1);
}

const indexPath = join(dir, "index.html");
let html = readFileSync(indexPath, "utf8");
// Trunk may have minified the page: attributes can be unquoted.
const inline = /<script\b(?![^>]*\bsrc=)[^>]*\btype=["']?module["']?[^>]*>([\s\S]*?)<\/script>/;
const m = html.match(inline);
if (!m) {
  console.error("trunk-post-build: no inline module script in index.html");
  process.exit(1);
}
// The start-up, with its imports first; the rest tells the page's frame (index.html) when the
// app could not start, so the frame says so at once instead of after its 30 s wait.
const lines = m[1].trim().split("\n");
const imports = lines.filter((l) => /^\s*import\s/.test(l));
const rest = lines.filter((l) => !/^\s*import\s/.test(l));
// Before the start-up, each report's settings file (data-config) is asked for, so it comes while
// the wasm downloads instead of once it has started: one round trip less before the first rows.
// The answer waits on the element for src/embed.rs (`early_config_answer`); a failed or stalled
// request (8 s) leaves it null, and the app then asks for the file itself.
const early = `
for (const el of document.querySelectorAll("[data-config]")) {
  const url = el.getAttribute("data-config").trim();
  if (!url) continue;
  const signal = AbortSignal.timeout ? AbortSignal.timeout(8000) : undefined;
  el.syncReportConfig = fetch(url, { cache: "no-cache", headers: { Accept: "application/json" }, signal })
    .then(async (r) => ({ url, status: r.status, text: await r.text() }))
    .catch(() => null);
}`;
const code = imports.join("\n") + early + "\ntry {\n" + rest.join("\n") +
  "\n} catch (e) {\n  for (const f of document.querySelectorAll(\".sr-frame\")) f.classList.add(\"sr-frame--failed\");\n  throw e;\n}\n";
const name = `boot-${createHash("sha256").update(code).digest("hex").slice(0, 16)}.js`;
const integrity = "sha384-" + createHash("sha384").update(code).digest("base64");
writeFileSync(join(dir, name), code);
html = html.replace(
  inline,
  `<script type="module" src="${base}${name}" integrity="${integrity}" crossorigin="anonymous"></script>`,
);
if (/<script(?![^>]*\bsrc=)[^>]*>/.test(html)) {
  console.error("trunk-post-build: an inline script is left in index.html");
  process.exit(1);
}

const files = readdirSync(dir);
const js = files.find((f) => /^sync-report-[0-9a-f]+\.js$/.test(f));
const wasm = files.find((f) => /^sync-report-[0-9a-f]+_bg\.wasm$/.test(f));
const css = files.find((f) => /^report-[0-9a-f]+\.css$/.test(f));
if (!js || !wasm || !css) {
  console.error(`trunk-post-build: app module not found in ${dir}: ${files.join(", ")}`);
  process.exit(1);
}

if (process.env.TRUNK_PROFILE === "release") {
  const { minify } = await import("terser");
  const glue = readFileSync(join(dir, js), "utf8");
  // Exports and property names stay as they are: the wasm module and embed.js use them.
  const out = await minify(glue, { module: true, ecma: 2020, compress: { passes: 2 }, mangle: true });
  writeFileSync(join(dir, js), out.code);
  const sri = "sha384-" + createHash("sha384").update(out.code).digest("base64");
  let updated = 0;
  html = html.replace(/<link\b[^>]*>/g, (tag) => {
    if (!tag.includes(js)) return tag;
    return tag.replace(/integrity=(["']?)sha384-[A-Za-z0-9+/=]+\1/, () => {
      updated++;
      return `integrity="${sri}"`;
    });
  });
  if (updated !== 1) {
    console.error(`trunk-post-build: expected one integrity hash for ${js} in index.html, found ${updated}`);
    process.exit(1);
  }
  console.log(`trunk-post-build: ${js} minified, ${glue.length} -> ${out.code.length} bytes`);
}
writeFileSync(indexPath, html);
writeFileSync(
  join(dir, "embed.js"),
  `// The sync report for host pages (README: Embedding). Stable name; the files it loads are
// content-hashed. Importing it starts the app once and mounts any [data-sync-report] element.
import init, * as app from "./${js}";

let started;

/** Loads the app and its stylesheet (once). */
export function load() {
  if (!started) {
    const href = new URL("./${css}", import.meta.url).href;
    if (![...document.styleSheets].some((s) => s.href === href)) {
      const link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = href;
      link.dataset.syncReport = "";
      document.head.append(link);
    }
    started = init({ module_or_path: new URL("./${wasm}", import.meta.url) });
  }
  return started;
}

/**
 * Mounts a report into \`element\`; resolves to a handle with update(options) and unmount().
 * Options: mode, apiBase, token, credentials, timeoutSeconds, demoSize, demoSeed, theme,
 * filters, urlPrefix.
 */
export async function mount(element, options = {}) {
  await load();
  return app.mount(element, options);
}

load();
`,
);
console.log(`trunk-post-build: ${name} (no inline scripts left), embed.js -> ${js}`);

if (process.env.TRUNK_PROFILE === "release") {
  let n = 0;
  for (const f of readdirSync(dir)) {
    // Not config.json nor index.html: a deployment edits them in place after the build
    // (README: Configuration), and a stale .br beside them would win.
    if (!/\.(wasm|js|css)$/.test(f)) continue;
    const body = readFileSync(join(dir, f));
    writeFileSync(join(dir, `${f}.br`), brotliCompressSync(body, {
      params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length },
    }));
    writeFileSync(join(dir, `${f}.gz`), gzipSync(body, { level: 9 }));
    n++;
  }
  console.log(`trunk-post-build: ${n} files precompressed (.br, .gz)`);
}
