// Checks the API contract: docs/openapi.yaml is a valid OpenAPI 3 document (swagger-parser),
// and every answer the reference server's tests saved (target/api-samples/<Schema>--<case>.json)
// matches the schema it is named after (ajv). A deliberately wrong sample must fail, so the
// check itself is known to bite.
//
// Then the drift check: the wire types (src/wire/), written with every field and variant by
// server/tests/wire.rs into target/api-samples/full/, must have exactly the fields the schema
// declares, both ways and at every depth, and the viewer must send exactly the parameters each
// endpoint declares. A field renamed on either side fails here.
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

// ---- drift: the wire types against the schema, field by field --------------------------------

// The declared fields of `schema` against the keys the samples (`values`) have; recursive.
function drift(schema, values, path, out) {
  if (!schema || values.length === 0) return;
  if (schema.properties) {
    const declared = Object.keys(schema.properties);
    const seen = new Set();
    for (const v of values) {
      if (v && typeof v === "object" && !Array.isArray(v)) Object.keys(v).forEach((k) => seen.add(k));
    }
    for (const k of seen) if (!declared.includes(k)) out.push(`${path}.${k}: the wire types write it; the schema does not declare it`);
    for (const k of declared) if (!seen.has(k)) out.push(`${path}.${k}: the schema declares it; the wire types never write it`);
    for (const k of declared) {
      drift(schema.properties[k], values.map((v) => v?.[k]).filter((x) => x != null), `${path}.${k}`, out);
    }
  } else if (schema.items) {
    drift(schema.items, values.flatMap((v) => (Array.isArray(v) ? v : [])), `${path}[]`, out);
  }
}

const full = join(samples, "full");
let drifted = [];
let typesChecked = 0;
const fullFiles = readdirSync(full).filter((f) => f.endsWith(".json") && f !== "parameters.json");
for (const f of fullFiles) {
  const name = f.replace(/\.json$/, "");
  const schema = api.components.schemas[name];
  if (!schema) {
    drifted.push(`${name}: a wire type with no schema of that name`);
    continue;
  }
  const values = JSON.parse(readFileSync(join(full, f), "utf8"));
  typesChecked++;
  for (const [i, v] of values.entries()) {
    if (!validators[name](v)) {
      drifted.push(`${name} sample ${i} does not match its schema: ${validators[name].errors.map((e) => `${e.instancePath} ${e.message}`).join("; ")}`);
    }
  }
  drift(schema, values, name, drifted);
}
// Every schema an answer or body uses has a wire type.
for (const name of Object.keys(api.components.schemas)) {
  if (!fullFiles.includes(`${name}.json`)) drifted.push(`${name}: in the schema, with no wire type sample (server/tests/wire.rs)`);
}
// The parameters the viewer sends, per endpoint, against those declared. filter[system_chain]
// is read by servers but never sent (the viewer sends the source and destination filters).
const sent = JSON.parse(readFileSync(join(full, "parameters.json"), "utf8"));
const readOnly = ["filter[system_chain]"];
for (const [path, keys] of Object.entries(sent)) {
  const op = api.paths[path]?.get;
  if (!op) {
    drifted.push(`${path}: the viewer sends parameters to it; the schema has no GET there`);
    continue;
  }
  const declared = (op.parameters || []).filter((p) => p.in === "query").map((p) => p.name);
  for (const k of new Set(keys)) if (!declared.includes(k)) drifted.push(`GET ${path}: the viewer sends ${k}; the schema does not declare it`);
  for (const k of declared) {
    if (!keys.includes(k) && !readOnly.includes(k)) drifted.push(`GET ${path}: the schema declares ${k}; the viewer never sends it`);
  }
}
if (drifted.length) {
  failures += drifted.length;
  console.error("The wire types and the schema differ:");
  for (const d of drifted) console.error(`  ${d}`);
}
console.log(`${typesChecked} wire types and ${Object.keys(sent).length} endpoints' parameters compared with the schema, ${drifted.length} differences`);

// The drift check must be able to fail: a renamed field is found.
const renamed = [];
drift(api.components.schemas.Meta, [{ total: 1, totals: 2 }], "Meta", renamed);
if (!renamed.some((d) => d.includes("Meta.totals"))) {
  console.error("a renamed field passed the drift check: the check is broken");
  failures++;
}

// The check must be able to fail.
const bad = { data: [{ id: "x1", status: 5 }], meta: {} };
if (validators.Page(bad)) {
  console.error("a malformed page passed the Page schema: the check is broken");
  failures++;
}

console.log(`${checked} server answers checked against the schemas, ${failures} failed`);
process.exit(failures === 0 ? 0 : 1);
