// A small static file server for dist/ (used by scripts/lighthouse.sh): the strict
// Content-Security-Policy from the README, the build's precompressed files (.br, else .gz) as a
// production host sends them (README: Building a release and hosting it), gzip on the fly for
// the rest, long caching for hashed files.
//   node scripts/static-server.mjs dist 8080
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";
import { gzipSync } from "node:zlib";

const [root = "dist", port = "8080"] = process.argv.slice(2);
const CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'self'";
const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".png": "image/png",
};

createServer(async (req, res) => {
  const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
  let file = normalize(join(root, path));
  if (!file.startsWith(normalize(root))) {
    res.writeHead(403).end();
    return;
  }
  if (path.endsWith("/")) file = join(file, "index.html");
  try {
    let body = await readFile(file);
    const type = types[extname(file)] || "application/octet-stream";
    const headers = {
      "content-type": type,
      "content-security-policy": CSP,
      "x-content-type-options": "nosniff",
      vary: "accept-encoding",
      "cache-control": /-[0-9a-f]{16}/.test(file) ? "public, max-age=31536000, immutable" : "no-cache",
    };
    const accepts = req.headers["accept-encoding"] || "";
    // The precompressed copy for `encoding`, if the browser takes it and the build has it.
    const precompressed = (encoding, ext) =>
      accepts.includes(encoding) ? readFile(file + ext).catch(() => null) : null;
    const br = await precompressed("br", ".br");
    const gz = br ? null : await precompressed("gzip", ".gz");
    if (br || gz) {
      body = br || gz;
      headers["content-encoding"] = br ? "br" : "gzip";
    } else if (accepts.includes("gzip") && !type.startsWith("image/")) {
      body = gzipSync(body, { level: 9 });
      headers["content-encoding"] = "gzip";
    }
    res.writeHead(200, headers).end(body);
  } catch {
    res.writeHead(404, { "content-type": "text/plain" }).end("not found");
  }
}).listen(Number(port), "127.0.0.1");
