// Checks the API contract: docs/openapi.yaml is a valid OpenAPI 3 document (swagger-parser),
// and every answer the reference server's tests saved (target/api-samples/<Schema>--<case>.json)
// matches the schema it is named after (ajv). A deliberately wrong sample must fail, so the
// check itself is known to bite.
//
//   node scripts/check-api.mjs docs/openapi.yaml target/api-samples
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import SwaggerParser from "@apidevtools/swagger-parser";
import Ajv from "ajv";

const [spec = "docs/openapi.yaml", samples = "target/api-samples"] = process.argv.slice(2);

await SwaggerParser.validate(spec);
const api = await SwaggerParser.dereference(spec);
console.log(`${spec}: valid OpenAPI ${api.openapi} (${Object.keys(api.paths).length} paths)`);

// OpenAPI 3.0 schema objects are nearly JSON Schema; `nullable` is the difference that matters.
function toJsonSchema(s) {
  if (Array.isArray(s)) return s.map(toJsonSchema);
  if (s === null || typeof s !== "object") return s;
  const out = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === "nullable" || k === "example") continue;
    out[k] = toJsonSchema(v);
  }
  if (s.nullable === true) {
    if (typeof out.type === "string") out.type = [out.type, "null"];
    if (out.enum) out.enum = [...out.enum, null];
  }
  return out;
}

const ajv = new Ajv({ strict: false, allErrors: true });
const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
ajv.addFormat("date-time", iso);
const validators = {};
for (const [name, schema] of Object.entries(api.components.schemas)) {
  validators[name] = ajv.compile(toJsonSchema(schema));
}

let failures = 0;
let checked = 0;
const files = readdirSync(samples).filter((f) => f.endsWith(".json")).sort();
if (files.length === 0) {
  console.error(`no samples in ${samples}: run cargo test -p sync-report-server first`);
  process.exit(1);
}
for (const f of files) {
  const schema = f.split("--")[0];
  const validate = validators[schema];
  if (!validate) {
    console.error(`${f}: no schema named ${schema} in ${spec}`);
    failures++;
    continue;
  }
  const body = JSON.parse(readFileSync(join(samples, f), "utf8"));
  checked++;
  if (!validate(body)) {
    failures++;
    console.error(`${f} does not match ${schema}:`);
    for (const e of validate.errors.slice(0, 10)) console.error(`  ${e.instancePath} ${e.message}`);
  }
}

// The check must be able to fail.
const bad = { data: [{ id: "x1", status: 5 }], meta: {} };
if (validators.Page(bad)) {
  console.error("a malformed page passed the Page schema: the check is broken");
  failures++;
}

console.log(`${checked} server answers checked against the schemas, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
